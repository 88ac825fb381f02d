package io.pulse.serving.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pulse.contracts.testing.IdentityProvider;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.testing.TestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's login as a browser does it, against the embedded OIDC provider: authorization code
 * with PKCE, a server-side session in an HttpOnly, Secure, SameSite cookie (no token reaches the
 * browser), CSRF tokens on every cookie-authenticated change, logout at both ends, expiry back to login.
 */
class BrowserLoginIT {

    /** A JWT: base64url JSON header and payload ({@code {"} encodes as {@code eyJ}), joined by a dot. */
    private static final java.util.regex.Pattern JWT = java.util.regex.Pattern.compile("eyJ[\\w-]+\\.eyJ[\\w-]+");

    private static final Pattern CSRF = Pattern.compile("\"csrfToken\":\"([^\"]+)\"");
    /**
     * Sockets one session opens at once. A lost first frame is a race that one socket on a warm server
     * rarely loses; 300 at once lost 24 of them while session upgrades finished on Redis's thread.
     */

    private static TestServer server;
    private static String base;

    @BeforeAll
    static void start() {
        server = TestServer.start("pulse_login", Map.of("micronaut.session.max-inactive-interval", "3s"));
        base = server.server().getURL() + "/";
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A browser without JavaScript: follows nothing itself, keeps cookies per host and port. */
    private static final class Browser {
        private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        private final Map<String, Map<String, String>> cookies = new HashMap<>();
        private final Map<String, String> setCookieLines = new HashMap<>();

        HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
            HttpRequest built = request.build();
            String origin = built.uri().getAuthority();
            Map<String, String> jar = cookies.computeIfAbsent(origin, o -> new HashMap<>());
            if (!jar.isEmpty()) {
                request.header("Cookie", String.join("; ", jar.entrySet().stream()
                        .map(c -> c.getKey() + "=" + c.getValue()).toList()));
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            for (String line : response.headers().allValues("Set-Cookie")) {
                String pair = line.split(";", 2)[0];
                String name = pair.substring(0, pair.indexOf('='));
                setCookieLines.put(name, line);
                String value = pair.substring(pair.indexOf('=') + 1);
                if (value.isEmpty() || line.toLowerCase().contains("max-age=0")) {
                    jar.remove(name);
                } else {
                    jar.put(name, value);
                }
            }
            return response;
        }

        HttpResponse<String> get(String url) throws Exception {
            return send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json"));
        }

        HttpResponse<String> navigate(String url) throws Exception {
            return send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8"));
        }

        /** Logs in as a demo user through the provider's login page; returns the session's CSRF token. */
        String logIn(String user) throws Exception {
            HttpResponse<String> login = navigate(base + "oauth/login/pulse");
            assertThat(login.statusCode()).isEqualTo(302);
            String authorize = login.headers().firstValue("Location").orElseThrow();
            assertThat(authorize).startsWith(IdentityProvider.shared().issuer())
                    .contains("code_challenge=").contains("code_challenge_method=S256").contains("state=");
            assertThat(navigate(authorize).body()).contains(user);

            Map<String, Object> claims = IdentityProvider.demoUsers().get(user);
            String form = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&claims="
                    + URLEncoder.encode("{\"tenant\":\"" + claims.get("tenant") + "\",\"roles\":[\""
                    + ((java.util.List<?>) claims.get("roles")).get(0) + "\"]}", StandardCharsets.UTF_8);
            HttpResponse<String> code = send(HttpRequest.newBuilder(URI.create(authorize))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)));
            String callback = code.headers().firstValue("Location").orElseThrow();
            assertThat(callback).startsWith(base + "oauth/callback/pulse?code=");

            HttpResponse<String> landed = navigate(callback);
            assertThat(landed.statusCode()).isEqualTo(303);
            assertThat(landed.headers().firstValue("Location")).hasValue("/");
            // no JWT reaches the browser (a random CSRF token may hold "eyJ" by chance; a JWT's two encoded
            // JSON parts, each starting with "eyJ" and joined by a dot, never appear by chance)
            assertThat(landed.body() + landed.headers().map()).doesNotContainPattern(JWT);
            HttpResponse<String> me = get(base + "v2/session");
            assertThat(me.statusCode()).isEqualTo(200);
            assertThat(me.body()).contains("\"subject\":\"" + user + "\"").doesNotContainPattern(JWT);
            Matcher csrf = CSRF.matcher(me.body());
            assertThat(csrf.find()).isTrue();
            return csrf.group(1);
        }

        HttpResponse<String> postJson(String path, String body, String csrfToken) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (csrfToken != null) {
                request.header("X-CSRF-TOKEN", csrfToken);
            }
            return send(request);
        }
    }

    private static final String DASHBOARD = "{\"name\":\"Checkout\",\"defaultRange\":\"PT1H\",\"refreshSeconds\":10,"
            + "\"widgets\":[]}";

    private static long dashboards() throws Exception {
        TestServices.Postgres postgres = TestServices.postgres();
        try (Connection c = DriverManager.getConnection(server.url(), postgres.user(), postgres.password());
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM dashboard")) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void theSessionCookieIsHttpOnlySecureAndSameSiteAndCarriesNoToken() throws Exception {
        Browser browser = new Browser();
        browser.logIn("viewer@acme");
        String cookie = browser.setCookieLines.get("PULSE_SESSION");
        assertThat(cookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("Secure")
                .containsIgnoringCase("SameSite=Lax");
        assertThat(cookie.split(";")[0]).doesNotContainPattern(JWT).hasSizeLessThan(100);
        assertThat(browser.get(base + "v2/session").body())
                .contains("\"tenant\":\"acme\"").contains("metrics:read").doesNotContain("dashboards:write");
    }

    @Test
    void everyLoginGetsAFreshSessionAndTheOldOneEnds() throws Exception {
        Browser browser = new Browser();
        browser.logIn("viewer@acme");
        String first = browser.cookies.get(URI.create(base).getAuthority()).get("PULSE_SESSION");
        browser.logIn("editor@acme");
        String second = browser.cookies.get(URI.create(base).getAuthority()).get("PULSE_SESSION");
        assertThat(second).isNotEqualTo(first);
        HttpResponse<String> old = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "v2/session"))
                .header("Cookie", "PULSE_SESSION=" + first).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(old.statusCode()).isEqualTo(401);
    }

    @Test
    void changesWithTheSessionCookieNeedTheSessionsCsrfToken() throws Exception {
        Browser browser = new Browser();
        String csrf = browser.logIn("editor@acme");
        long before = dashboards();

        assertThat(browser.postJson("v2/dashboards", DASHBOARD, null).statusCode()).as("no token").isEqualTo(403);
        assertThat(browser.postJson("v2/dashboards", DASHBOARD, "forged").statusCode()).as("wrong token")
                .isEqualTo(403);
        String other = new Browser().logIn("editor@acme");
        assertThat(browser.postJson("v2/dashboards", DASHBOARD, other).statusCode())
                .as("another session's token").isEqualTo(403);
        assertThat(dashboards()).isEqualTo(before);

        assertThat(browser.postJson("v2/dashboards", DASHBOARD, csrf).statusCode()).isEqualTo(201);
        assertThat(dashboards()).isEqualTo(before + 1);
    }

    @Test
    void aSessionsWebSocketMustComeFromThisSite() throws Exception {
        Browser browser = new Browser();
        browser.logIn("viewer@globex");
        String cookie = "PULSE_SESSION=" + browser.cookies.get(URI.create(base).getAuthority()).get("PULSE_SESSION");
        URI stream = URI.create(base.replace("http", "ws") + "v1/stream");
        String site = base.substring(0, base.length() - 1);
        WebSocket own = browser.http.newWebSocketBuilder().header("Cookie", cookie).header("Origin", site)
                .buildAsync(stream, new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS);
        own.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        assertThatThrownBy(() -> browser.http.newWebSocketBuilder().header("Cookie", cookie)
                .header("Origin", "https://evil.example").buildAsync(stream, new WebSocket.Listener() { })
                .get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(WebSocketHandshakeException.class);
    }

    /** Issue 10, fault 11: besides connection_init's token, the session cookie authenticates graphql-ws. */
    @Test
    void aSessionsGraphqlWebSocketIsAcknowledgedWithoutAToken() throws Exception {
        Browser browser = new Browser();
        browser.logIn("viewer@acme");
        String cookie = "PULSE_SESSION=" + browser.cookies.get(URI.create(base).getAuthority()).get("PULSE_SESSION");
        java.util.concurrent.CompletableFuture<String> firstFrame = new java.util.concurrent.CompletableFuture<>();
        WebSocket socket = browser.http.newWebSocketBuilder().header("Cookie", cookie)
                .header("Origin", base.substring(0, base.length() - 1)).subprotocols("graphql-transport-ws")
                .buildAsync(URI.create(base.replace("http", "ws") + "graphql-ws"), new WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        firstFrame.complete(data.toString());
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        socket.sendText("{\"type\":\"connection_init\"}", true).get(5, TimeUnit.SECONDS);
        assertThat(firstFrame.get(10, TimeUnit.SECONDS)).contains("connection_ack");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }

    @Test
    void bearerTokenRequestsNeedNoCsrfToken() throws Exception {
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(base + "v2/dashboards")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + server.token("bot", "acme", "editor"))
                .POST(HttpRequest.BodyPublishers.ofString(DASHBOARD)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);
    }

    @Test
    void logoutEndsTheSessionHereAndAtTheProvider() throws Exception {
        Browser browser = new Browser();
        String csrf = browser.logIn("admin@globex");
        assertThat(browser.postJson("logout", "{}", null).statusCode()).as("logout without token").isEqualTo(403);
        assertThat(browser.get(base + "v2/session").statusCode()).isEqualTo(200);

        // a form's post: the browser navigates, so it follows the redirect to the provider
        HttpResponse<String> logout = browser.send(HttpRequest.newBuilder(URI.create(base + "logout"))
                .header("X-CSRF-TOKEN", csrf).header("Accept", "text/html,*/*;q=0.8")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(logout.statusCode()).isEqualTo(303);
        String endSession = logout.headers().firstValue("Location").orElseThrow();
        assertThat(endSession).startsWith(IdentityProvider.shared().issuer() + "/endsession")
                .contains("id_token_hint=eyJ").contains("post_logout_redirect_uri=");
        assertThat(browser.get(base + "v2/session").statusCode()).as("the session is gone").isEqualTo(401);

        HttpResponse<String> provider = browser.navigate(endSession);
        assertThat(provider.statusCode()).isEqualTo(302);
        assertThat(provider.headers().firstValue("Location").orElseThrow()).startsWith(base);
    }

    @Test
    void aLogoutWithoutABodyOrContentTypeEndsTheSessionToo() throws Exception {
        Browser browser = new Browser();
        String csrf = browser.logIn("viewer@acme");
        // what fetch('/logout', {method: 'POST', headers: {'X-CSRF-TOKEN': token}}) sends
        HttpResponse<String> logout = browser.send(HttpRequest.newBuilder(URI.create(base + "logout"))
                .header("X-CSRF-TOKEN", csrf).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(logout.statusCode()).isEqualTo(303);
        assertThat(browser.get(base + "v2/session").statusCode()).as("the session is gone").isEqualTo(401);
    }

    @Test
    void aPageAskingForJsonGetsTheProvidersLogoutAddressToNavigateTo() throws Exception {
        Browser browser = new Browser();
        String csrf = browser.logIn("viewer@globex");
        // the dashboard's fetch: it cannot follow a redirect to the provider's origin (CSP connect-src)
        HttpResponse<String> logout = browser.send(HttpRequest.newBuilder(URI.create(base + "logout"))
                .header("X-CSRF-TOKEN", csrf).header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(logout.statusCode()).isEqualTo(200);
        assertThat(logout.body()).startsWith("{\"redirect\":\"" + IdentityProvider.shared().issuer() + "/endsession")
                .contains("id_token_hint=eyJ");
        assertThat(browser.get(base + "v2/session").statusCode()).as("the session is gone").isEqualTo(401);
    }

    @Test
    void aBrowserWithoutALiveSessionIsSentToLoginAndAnApiClientGets401() throws Exception {
        Browser browser = new Browser();
        browser.logIn("analyst@acme");
        assertThat(browser.navigate(base + "v2/dashboards").statusCode()).isEqualTo(200);
        // idle past max-inactive-interval (3 s): probing less often than that lets the session lapse
        await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ofSeconds(4)).pollInterval(Duration.ofSeconds(4))
                .until(() -> browser.navigate(base + "v2/dashboards").statusCode() == 303);
        assertThat(browser.navigate(base + "v2/dashboards").headers().firstValue("Location"))
                .hasValue("/oauth/login/pulse");
        assertThat(browser.get(base + "v2/dashboards").statusCode()).isEqualTo(401);
    }
}
