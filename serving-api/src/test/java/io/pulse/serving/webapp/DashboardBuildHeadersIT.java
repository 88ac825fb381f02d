package io.pulse.serving.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.pulse.serving.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dashboard build served at / as the devstack serves it: hashed assets kept, the rest revalidated. */
class DashboardBuildHeadersIT {

    private static final String ASSET = "/assets/index-3f9a1c2e.js";

    @TempDir
    static Path build;
    private static TestServer server;
    private static HttpClient http;

    @BeforeAll
    static void start() throws IOException {
        Files.createDirectories(build.resolve("assets"));
        Files.writeString(build.resolve("index.html"), "<!doctype html><script src=\"" + ASSET + "\"></script>");
        Files.writeString(build.resolve(ASSET.substring(1)), "console.log('pulse')");
        Files.writeString(build.resolve("sw.js"), "self.addEventListener('fetch', () => {})");
        Files.writeString(build.resolve("manifest.webmanifest"), "{\"name\":\"Pulse\"}");
        server = TestServer.start("pulse_webapp", Map.of(
                "micronaut.router.static-resources.dashboard.paths", "file:" + build,
                "micronaut.router.static-resources.dashboard.mapping", "/**"));
        http = server.http();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<?> exchange(HttpRequest<?> request) {
        try {
            return http.toBlocking().exchange(request, String.class);
        } catch (HttpClientResponseException e) {
            return e.getResponse();
        }
    }

    @Test
    void hashedAssetsAreKeptAYearEvenWhenRevalidated() {
        HttpResponse<?> asset = exchange(HttpRequest.GET(ASSET));
        assertThat(asset.code()).isEqualTo(200);
        assertThat(asset.header(HttpHeaders.CACHE_CONTROL)).isEqualTo(DashboardBuildHeaders.HASHED);
        assertThat(asset.header(HttpHeaders.CONTENT_TYPE)).isEqualTo("application/javascript");

        HttpResponse<?> unchanged = exchange(HttpRequest.GET(ASSET)
                .header(HttpHeaders.IF_MODIFIED_SINCE, asset.header(HttpHeaders.LAST_MODIFIED)));
        assertThat(unchanged.code()).isEqualTo(304);
        assertThat(unchanged.header(HttpHeaders.CACHE_CONTROL)).isEqualTo(DashboardBuildHeaders.HASHED);
    }

    @Test
    void everyOtherFileOfTheBuildIsRevalidatedAtEachUse() {
        for (String path : new String[] {"/", "/index.html", "/sw.js", "/manifest.webmanifest"}) {
            HttpResponse<?> file = exchange(HttpRequest.GET(path));
            assertThat(file.code()).as(path).isEqualTo(200);
            assertThat(file.header(HttpHeaders.CACHE_CONTROL)).as(path).isEqualTo(DashboardBuildHeaders.REVALIDATED);
        }
        assertThat(exchange(HttpRequest.GET("/manifest.webmanifest")).header(HttpHeaders.CONTENT_TYPE))
                .isEqualTo(DashboardBuildHeaders.MANIFEST_TYPE);
        assertThat(exchange(HttpRequest.GET("/sw.js")).header(HttpHeaders.CONTENT_TYPE)).isEqualTo("application/javascript");
    }

    @Test
    void theApiAndOtherStaticFilesKeepTheirOwn() {
        HttpResponse<?> api = exchange(HttpRequest.GET("/v2/dashboards").bearerAuth(server.token("alice", "acme", "viewer")));
        assertThat(api.code()).isEqualTo(200);
        assertThat(api.header(HttpHeaders.CACHE_CONTROL)).isNull();
        HttpResponse<?> openapi = exchange(HttpRequest.GET("/openapi/pulse-v2.yml"));
        assertThat(openapi.code()).isEqualTo(200);
        assertThat(openapi.header(HttpHeaders.CACHE_CONTROL)).isNotIn(DashboardBuildHeaders.HASHED, DashboardBuildHeaders.REVALIDATED);
        HttpResponse<?> missing = exchange(HttpRequest.GET("/assets/index-00000000.js"));
        assertThat(missing.code()).isEqualTo(404);
        assertThat(missing.header(HttpHeaders.CACHE_CONTROL)).isNull();
    }
}
