package io.pulse.contracts.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.containers.RabbitMQContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Addresses of the real PostgreSQL, Redis and RabbitMQ the integration tests use, started once per
 * test JVM. By default (and on the build machines, which have no Docker) they are the local services,
 * overridable with {@code PULSE_TEST_PG_URL}, {@code PULSE_TEST_REDIS_URI} and {@code PULSE_TEST_AMQP_URI}.
 * With {@code PULSE_TEST_CONTAINERS=true} and a Docker engine (GitHub Actions), Testcontainers starts
 * them instead, PostgreSQL with TimescaleDB so that path of the migrations is tested too.
 */
public final class TestServices {

    public record Postgres(String adminUrl, String user, String password) {
        /** Creates an empty database of its own for one test class; returns its JDBC URL. */
        public String createDatabase(String prefix) {
            return createDatabase(prefix, "");
        }

        /** A new database, {@code options} appended to its CREATE DATABASE (e.g. a locale provider). */
        public String createDatabase(String prefix, String options) {
            String name = (prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
            try (Connection connection = DriverManager.getConnection(adminUrl, user, password);
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + name + " " + options);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create test database " + name, e);
            }
            int slash = adminUrl.lastIndexOf('/');
            int query = adminUrl.indexOf('?', slash);
            return adminUrl.substring(0, slash + 1) + name + (query < 0 ? "" : adminUrl.substring(query));
        }

        /** Drops a database made by {@link #createDatabase}, closing its remaining connections. */
        public void dropDatabase(String url) {
            String path = url.substring(url.lastIndexOf('/') + 1);
            String name = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
            try (Connection connection = DriverManager.getConnection(adminUrl, user, password);
                 Statement statement = connection.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (SQLException e) {
                throw new IllegalStateException("cannot drop test database " + name, e);
            }
        }
    }

    private static Postgres postgres;
    private static String redisUri;
    private static String amqpUri;

    private TestServices() {
    }

    private static boolean useContainers() {
        return "true".equalsIgnoreCase(System.getenv("PULSE_TEST_CONTAINERS"))
                && DockerClientFactory.instance().isDockerAvailable();
    }

    public static synchronized Postgres postgres() {
        if (postgres == null) {
            if (useContainers()) {
                PostgreSQLContainer<?> container = new PostgreSQLContainer<>(
                        DockerImageName.parse("timescale/timescaledb:2.28.3-pg15").asCompatibleSubstituteFor("postgres"));
                container.start();
                postgres = new Postgres(container.getJdbcUrl(), container.getUsername(), container.getPassword());
            } else {
                postgres = new Postgres(env("PULSE_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres"),
                        env("PULSE_TEST_PG_USER", "postgres"), env("PULSE_TEST_PG_PASSWORD", ""));
            }
        }
        return postgres;
    }

    public static synchronized String redisUri() {
        if (redisUri == null) {
            if (useContainers()) {
                GenericContainer<?> container = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
                container.start();
                redisUri = "redis://" + container.getHost() + ":" + container.getMappedPort(6379);
            } else {
                redisUri = env("PULSE_TEST_REDIS_URI", "redis://127.0.0.1:6379");
            }
        }
        return redisUri;
    }

    public static synchronized String amqpUri() {
        if (amqpUri == null) {
            if (useContainers()) {
                RabbitMQContainer container = new RabbitMQContainer("rabbitmq:3.13-alpine");
                container.start();
                amqpUri = container.getAmqpUrl();
            } else {
                amqpUri = env("PULSE_TEST_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672");
            }
        }
        return amqpUri;
    }

    /** A name no other test run uses, for exchanges, queues and Redis namespaces. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
