package io.pulse.serving.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.opentelemetry.instrumentation.logback.mdc.v1_0.OpenTelemetryAppender;
import io.pulse.contracts.testing.IdentityProvider;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.testing.ServingProperties;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Everything serving-api logs, at DEBUG for every logger (Micronaut's HTTP server and client, security,
 * sessions, Lettuce, HikariCP, Netty), in the production JSON format, while a real server handles bearer
 * tokens (valid and not), API keys, session cookies (real and made up), CSRF headers, a whole OIDC login,
 * refused and failing requests, and a graphql-ws {@code connection_init} carrying a token: no credential of
 * the requests, nor any password or client secret of its configuration, is in the log, and every line is a
 * JSON object with the fields ELK reads, the tenant on lines logged while an authenticated request runs.
 */
class NoSecretsInLogsIT {

    /** A JWT: base64url JSON header and payload ({@code {"} encodes as {@code eyJ}), joined by a dot. */
    private static final Pattern JWT = Pattern.compile("eyJ[\\w-]+\\.eyJ[\\w-]+");
    private static final Pattern CSRF = Pattern.compile("\"csrfToken\":\"([^\"]+)\"");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The embedded identity provider runs in this JVM too; its lines are not serving-api's. */
    private static final List<String> NOT_SERVING_API = List.of("no.nav.security.mock", "mockwebserver3", "okhttp3.mockwebserver");

    private static final LoggerContext LOGBACK = (LoggerContext) LoggerFactory.getILoggerFactory();
    private static final Map<Logger, Level> LEVELS = new LinkedHashMap<>();
    private static final ByteArrayOutputStream CAPTURED = new ByteArrayOutputStream();
    private static OpenTelemetryAppender console;
    private static Appender<ILoggingEvent> production;
    private static OutputStreamAppender<ILoggingEvent> capture;

    /** Every credential the test hands out or configures, by what it is. */
    private static final Map<String, String> SECRETS = new LinkedHashMap<>();
    private static final String DATASOURCE_PASSWORD = secret("datasource password");
    private static final String REDIS_PASSWORD = secret("Redis password");
    private static final String AMQP_PASSWORD = secret("AMQP password");
    private static final String OIDC_CLIENT_SECRET = secret("OIDC client secret");
    private static final String RABBITMQ_MANAGEMENT_PASSWORD = secret("RabbitMQ management password");
    private static final String REDIS_USER = "pulse-logs-" + TestServices.uniqueName("it");

    private static EmbeddedServer server;
    private static String database;
    private static String base;
    private static RedisClient redis;

    private static String secret(String what) {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        String value = "s" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        SECRETS.put(what, value);
        return value;
    }

    private static void handedOut(String what, String value) {
        assertThat(value).as(what).isNotBlank();
        SECRETS.put(what, value);
    }

    @BeforeAll
    static void start() throws Exception {
        // a Redis user of the test's own, so that the Redis URI carries a password the server really uses
        redis = RedisClient.create(TestServices.redisUri());
        try (StatefulRedisConnection<String, String> admin = redis.connect()) {
            admin.sync().aclSetuser(REDIS_USER, AclSetuserArgs.Builder.on().addPassword(REDIS_PASSWORD)
                    .allKeys().allChannels().allCommands());
        }
        URI redisUri = URI.create(TestServices.redisUri());
        URI amqpUri = URI.create(TestServices.amqpUri());
        int closed = closedPort();

        captureEverything();

        Map<String, Object> properties = new HashMap<>();
        properties.put("redis.uri", "redis://" + REDIS_USER + ":" + REDIS_PASSWORD + "@" + redisUri.getHost() + ":" + redisUri.getPort());
        // the broker does not know this user: ingest fails, and how it fails is logged
        properties.put("pulse.amqp.uri", "amqp://pulse-logs:" + AMQP_PASSWORD + "@" + amqpUri.getHost() + ":" + amqpUri.getPort());
        properties.put("micronaut.security.oauth2.clients.pulse.client-secret", OIDC_CLIENT_SECRET);
        // the Operations page's sources do not answer: their failures are logged within an ops caller's request
        properties.put("pulse.operations.flink-url", "http://127.0.0.1:" + closed);
        properties.put("pulse.operations.rabbitmq-url", "http://127.0.0.1:" + closed);
        properties.put("pulse.operations.rabbitmq-user", "pulse-ops");
        properties.put("pulse.operations.rabbitmq-password", RABBITMQ_MANAGEMENT_PASSWORD);
        properties.put("micronaut.session.http.cookie-secure", false);
        database = TestServices.postgres().createDatabase("pulse_no_secrets");
        Map<String, Object> settings = new HashMap<>(ServingProperties.forDatabase(database, properties));
        if (acceptsAnyPassword(database)) {
            settings.put("datasources.default.password", DATASOURCE_PASSWORD);
        } else {
            // a database that checks passwords (Testcontainers'): its real one, too short and common to look for
            SECRETS.remove("datasource password");
        }
        server = ApplicationContext.run(EmbeddedServer.class, settings);
        base = server.getURL() + "/";
        // what a Basic header of these passwords would carry
        SECRETS.put("RabbitMQ management Basic credentials", Base64.getEncoder().encodeToString(
                ("pulse-ops:" + RABBITMQ_MANAGEMENT_PASSWORD).getBytes(StandardCharsets.UTF_8)));
        SECRETS.put("OIDC client Basic credentials", Base64.getEncoder().encodeToString(
                (IdentityProvider.DASHBOARD_CLIENT + ":" + OIDC_CLIENT_SECRET).getBytes(StandardCharsets.UTF_8)));
    }

    /** The production JSON encoder, behind the OpenTelemetry appender, fed every event of every logger at DEBUG. */
    @SuppressWarnings("unchecked")
    private static void captureEverything() {
        Logger root = LOGBACK.getLogger(Logger.ROOT_LOGGER_NAME);
        console = (OpenTelemetryAppender) root.getAppender("console");
        assertThat(console).as("logback.xml's appender on the root logger").isNotNull();
        production = console.getAppender("format");
        Encoder<ILoggingEvent> encoder = ((OutputStreamAppender<ILoggingEvent>) production).getEncoder();
        assertThat(encoder).as("the JSON format (PULSE_LOG_FORMAT unset)").isInstanceOf(LogstashEncoder.class);

        capture = new OutputStreamAppender<>();
        capture.setContext(LOGBACK);
        capture.setName("no-secrets-capture");
        capture.setEncoder(encoder);
        capture.setOutputStream(CAPTURED);
        capture.addFilter(new Filter<>() {
            @Override
            public FilterReply decide(ILoggingEvent event) {
                return NOT_SERVING_API.stream().anyMatch(event.getLoggerName()::startsWith) ? FilterReply.DENY : FilterReply.NEUTRAL;
            }
        });
        capture.start();
        // the lines go to the capture instead of the test's output (at DEBUG they are many)
        console.detachAppender(production);
        console.addAppender(capture);

        for (Logger logger : LOGBACK.getLoggerList()) {
            if (logger.getLevel() != null && logger.getLevel().isGreaterOrEqual(Level.INFO)) {
                LEVELS.put(logger, logger.getLevel());
                logger.setLevel(Level.DEBUG);
            }
        }
    }

    @AfterAll
    static void stop() {
        try {
            if (server != null) {
                server.close();
            }
            if (database != null) {
                TestServices.postgres().dropDatabase(database);
            }
        } finally {
            LEVELS.forEach(Logger::setLevel);
            try {
                // what was captured, to read when this test fails (its secrets are the test's own, random)
                Files.writeString(Path.of("target", "no-secrets-in-logs.jsonl"), captured());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (console != null) {
                console.detachAppender(capture);
                console.addAppender(production);
            }
            try (StatefulRedisConnection<String, String> admin = redis.connect()) {
                admin.sync().aclDeluser(REDIS_USER);
            }
            redis.shutdown();
        }
    }

    /** Whether the test database lets its user in whatever the password (trust authentication, as locally). */
    private static boolean acceptsAnyPassword(String url) {
        try (Connection ignored = DriverManager.getConnection(url, TestServices.postgres().user(), DATASOURCE_PASSWORD)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A browser without JavaScript: follows nothing itself, keeps cookies, sends what it is told to. */
    private static final class Browser {
        private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        private final Map<String, Map<String, String>> cookies = new HashMap<>();

        HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
            String origin = request.build().uri().getAuthority();
            Map<String, String> jar = cookies.computeIfAbsent(origin, o -> new LinkedHashMap<>());
            if (!jar.isEmpty()) {
                request.header("Cookie", String.join("; ", jar.entrySet().stream().map(c -> c.getKey() + "=" + c.getValue()).toList()));
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            for (String line : response.headers().allValues("Set-Cookie")) {
                String pair = line.split(";", 2)[0];
                String name = pair.substring(0, pair.indexOf('='));
                String value = pair.substring(pair.indexOf('=') + 1);
                if (value.isEmpty() || line.toLowerCase().contains("max-age=0")) {
                    jar.remove(name);
                } else {
                    jar.put(name, value);
                    // the session's id, and the login's PKCE verifier (its state and nonce travel in URLs anyway)
                    if (name.equals("PULSE_SESSION") || name.contains("PKCE")) {
                        handedOut("cookie " + name, value);
                    }
                    if (name.equals("PULSE_SESSION")) { // the cookie is the Base64 of the session's id
                        handedOut("session id", new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8));
                    }
                }
            }
            return response;
        }

        HttpResponse<String> get(String path, String... headers) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/json");
            for (int i = 0; i < headers.length; i += 2) {
                request.header(headers[i], headers[i + 1]);
            }
            return send(request);
        }

        HttpResponse<String> post(String path, String body, String... headers) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            for (int i = 0; i < headers.length; i += 2) {
                request.header(headers[i], headers[i + 1]);
            }
            return send(request);
        }

        /** The dashboard's login through the provider's page; returns the session's CSRF token. */
        String logIn(String user, String tenant, String role) throws Exception {
            HttpResponse<String> login = send(HttpRequest.newBuilder(URI.create(base + "oauth/login/pulse"))
                    .header("Accept", "text/html"));
            assertThat(login.statusCode()).isEqualTo(302);
            String authorize = login.headers().firstValue("Location").orElseThrow();
            String form = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&claims="
                    + URLEncoder.encode("{\"tenant\":\"" + tenant + "\",\"roles\":[\"" + role + "\"]}", StandardCharsets.UTF_8);
            HttpResponse<String> code = send(HttpRequest.newBuilder(URI.create(authorize))
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)));
            String callback = code.headers().firstValue("Location").orElseThrow();
            Matcher authorizationCode = Pattern.compile("[?&]code=([^&]+)").matcher(callback);
            assertThat(authorizationCode.find()).as(callback).isTrue();
            handedOut("authorization code", authorizationCode.group(1));
            HttpResponse<String> landed = send(HttpRequest.newBuilder(URI.create(callback)).header("Accept", "text/html"));
            assertThat(landed.statusCode()).as(landed.body()).isEqualTo(303);
            HttpResponse<String> session = get("v2/session");
            assertThat(session.statusCode()).isEqualTo(200);
            Matcher csrf = CSRF.matcher(session.body());
            assertThat(csrf.find()).isTrue();
            handedOut("CSRF token", csrf.group(1));
            return csrf.group(1);
        }
    }

    /** A graphql-ws connection of the JDK's client; returns the first frame's type, or how the server closed it. */
    private static String graphqlWs(String authorization) throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("graphql-transport-ws")
                .buildAsync(URI.create(base.replace("http", "ws") + "graphql-ws"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        answer.complete(data.toString());
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        answer.complete("closed " + statusCode);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        socket.sendText(JSON.writeValueAsString(Map.of("type", "connection_init",
                "payload", Map.of("Authorization", authorization))), true).get(5, TimeUnit.SECONDS);
        String first = answer.get(10, TimeUnit.SECONDS);
        socket.abort();
        return first;
    }

    @Test
    @SuppressWarnings("unchecked")
    void noCredentialIsLoggedAndEveryLineIsJsonWithItsTenant() throws Exception {
        Browser client = new Browser();
        String viewer = IdentityProvider.shared().token("alice", "acme", "viewer");
        String admin = IdentityProvider.shared().token("root", "acme", "admin");
        String ops = IdentityProvider.shared().token("sre", "acme", "ops");
        String forged = viewer.substring(0, viewer.length() - 4) + "AAAA";
        handedOut("viewer token", viewer);
        handedOut("admin token", admin);
        handedOut("ops token", ops);
        handedOut("forged token", forged);
        String garbage = secret("a token that is no JWT");
        // shaped like the session ids micronaut-session hands out (Base64 of a UUID), so that it is looked up
        String madeUpSession = Base64.getEncoder().encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        handedOut("made-up session cookie", madeUpSession);
        handedOut("made-up session id", new String(Base64.getDecoder().decode(madeUpSession), StandardCharsets.UTF_8));
        String madeUpCsrf = secret("made-up CSRF token");
        String unknownKey = "pulse_" + secret("unknown API key part");

        // bearer tokens: valid, forged, not a JWT
        expect(client.get("v2/metrics", "Authorization", "Bearer " + viewer), 200);
        expect(client.get("v2/metrics", "Authorization", "Bearer " + forged), 401);
        expect(client.get("v2/metrics", "Authorization", "Bearer " + garbage), 401);
        // API keys: a real one, made with a token, and an unknown one
        HttpResponse<String> created = client.post("v2/api-keys",
                "{\"name\":\"logs\",\"permissions\":[\"metrics:read\"]}", "Authorization", "Bearer " + admin);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String key = (String) JSON.readValue(created.body(), Map.class).get("key");
        handedOut("API key", key);
        expect(client.get("v2/metrics", "X-API-Key", key), 200);
        expect(client.get("v2/metrics", "X-API-Key", unknownKey), 401);
        // a session cookie nobody was given, with a CSRF-looking header
        expect(new Browser().get("v2/dashboards", "Cookie", "PULSE_SESSION=" + madeUpSession,
                "X-CSRF-TOKEN", madeUpCsrf), 401);
        // a whole login: authorization code with PKCE, the client secret at the token endpoint, a session
        Browser browser = new Browser();
        String csrf = browser.logIn("editor@acme", "acme", "editor");
        String dashboard = "{\"name\":\"Logs\",\"defaultRange\":\"PT1H\",\"refreshSeconds\":10,\"widgets\":[]}";
        expect(browser.post("v2/dashboards", dashboard, "X-CSRF-TOKEN", csrf), 201);
        expect(browser.post("v2/dashboards", dashboard, "X-CSRF-TOKEN", madeUpCsrf), 403);
        // refused and failing requests: no credentials, not allowed, a bad body, ingest whose broker refuses us
        expect(client.get("v2/metrics"), 401);
        expect(client.post("v2/api-keys", "{\"name\":\"x\",\"permissions\":[\"metrics:read\"]}",
                "Authorization", "Bearer " + viewer), 403);
        expect(client.post("v2/dashboards", "{\"name\":", "Authorization", "Bearer " + admin), 400);
        assertThat(client.post("v1/events", "[{\"metric\":\"latency\",\"timestamp\":" + System.currentTimeMillis()
                + ",\"value\":1}]", "Authorization", "Bearer " + admin).statusCode()).isGreaterThanOrEqualTo(500);
        // the Operations view, whose sources do not answer (a warning, logged within the ops caller's request)
        expect(client.get("v2/operations", "Authorization", "Bearer " + ops), 200);
        // GraphQL over HTTP, and over graphql-ws with the token in connection_init (and a forged one)
        HttpResponse<String> graphql = client.post("graphql", "{\"query\":\"{ metrics { name } }\"}", "Authorization", "Bearer " + viewer);
        assertThat(graphql.statusCode()).isEqualTo(200);
        assertThat(graphqlWs("Bearer " + viewer)).contains("connection_ack");
        assertThat(graphqlWs("Bearer " + forged)).isEqualTo("closed 4403");

        String log = captured();
        assertThat(log).as("what was captured").hasSizeGreaterThan(10_000);
        List<String> all = log.lines().toList();
        SECRETS.forEach((what, value) -> assertThat(all.stream().filter(line -> line.contains(value)).toList())
                .as("lines holding the " + what).isEmpty());
        assertThat(all.stream().filter(line -> JWT.matcher(line).find()).toList()).as("lines holding a JWT").isEmpty();

        List<JsonNode> lines = new ArrayList<>();
        for (String line : log.split("\n")) {
            JsonNode node = JSON.readTree(line);
            assertThat(node.isObject()).as(line).isTrue();
            assertThat(node.has("@timestamp") && node.has("level") && node.has("logger") && node.has("message")
                    && node.has("thread")).as(line).isTrue();
            lines.add(node);
        }
        assertThat(lines).filteredOn(line -> line.get("level").asText().equals("DEBUG")).as("DEBUG lines").isNotEmpty();
        List<JsonNode> operations = lines.stream()
                .filter(line -> line.get("logger").asText().equals("io.pulse.serving.operations.Operations")).toList();
        assertThat(operations).as("the Operations view's warnings").hasSize(2)
                .allSatisfy(line -> assertThat(line.path("tenant").asText()).as(line.toString()).isEqualTo("acme"));
        assertThat(lines).filteredOn(line -> line.has("tenant")).as("lines of authenticated requests").hasSizeGreaterThan(2)
                .allSatisfy(line -> assertThat(line.get("tenant").asText()).isEqualTo("acme"));
        // a request's tenant does not outlive it on the event loop: each request's arrival (logged before
        // authentication, on threads that served authenticated requests before) carries none
        assertThat(lines).filteredOn(line -> line.get("message").asText().startsWith("Request ")
                        && line.get("logger").asText().startsWith("io.micronaut.http.server.netty."))
                .as("arrivals of requests").hasSizeGreaterThan(10)
                .allSatisfy(line -> assertThat(line.has("tenant")).as(line.toString()).isFalse());
    }

    /** Asserts the status of {@code response}, telling its body when it is not {@code expected}. */
    private static void expect(HttpResponse<String> response, int expected) {
        assertThat(response.statusCode()).as("%s: %s", response.uri(), response.body()).isEqualTo(expected);
    }

    private static String captured() {
        synchronized (CAPTURED) {
            return CAPTURED.toString(StandardCharsets.UTF_8);
        }
    }
}
