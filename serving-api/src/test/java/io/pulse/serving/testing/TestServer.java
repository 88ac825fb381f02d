package io.pulse.serving.testing;

import io.micronaut.context.ApplicationContext;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pulse.contracts.testing.IdentityProvider;
import io.pulse.contracts.testing.TestServices;
import java.util.Map;

/** A serving-api on a database of the test's own (migrated at startup), a client for it, and its tokens. */
public final class TestServer implements AutoCloseable {

    private final TestServices.Postgres postgres = TestServices.postgres();
    private final String url;
    private final EmbeddedServer server;
    private final HttpClient http;

    private TestServer(String database, Map<String, Object> properties) {
        url = postgres.createDatabase(database);
        server = ApplicationContext.run(EmbeddedServer.class, ServingProperties.forDatabase(url, properties));
        http = server.getApplicationContext().createBean(HttpClient.class, server.getURL());
    }

    public static TestServer start(String database, Map<String, Object> properties) {
        return new TestServer(database, properties);
    }

    public EmbeddedServer server() {
        return server;
    }

    public HttpClient http() {
        return http;
    }

    /** The JDBC URL of the server's database. */
    public String url() {
        return url;
    }

    /** A valid token of {@code subject} in {@code tenant} with {@code roles}. */
    public String token(String subject, String tenant, String... roles) {
        return IdentityProvider.shared().token(subject, tenant, roles);
    }

    @Override
    public void close() {
        server.close();
        postgres.dropDatabase(url);
    }
}
