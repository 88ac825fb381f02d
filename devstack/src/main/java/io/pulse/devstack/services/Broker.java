package io.pulse.devstack.services;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.model.SystemConfig;

/**
 * The AMQP 0-9-1 broker: the configured one (RabbitMQ), or Apache Qpid Broker-J in this JVM on a free
 * port, with a persistent (Derby) message store in the data folder: messages the job has not yet
 * acknowledged at a checkpoint survive a restart, as they would in RabbitMQ, so nothing is lost.
 */
public final class Broker implements BackingService {

    private final String uri;
    private final SystemLauncher embedded;

    private Broker(String uri, SystemLauncher embedded) {
        this.uri = uri;
        this.embedded = embedded;
    }

    public static Broker configured(String uri) {
        return new Broker(uri, null);
    }

    public static Broker embedded(Path dataFolder) {
        int port = FreePorts.any();
        try {
            Files.createDirectories(dataFolder);
            Path initialConfig = dataFolder.resolve("initial-config.json");
            Files.writeString(initialConfig, INITIAL_CONFIG);
            Map<String, Object> context = new HashMap<>();
            context.put(SystemConfig.QPID_WORK_DIR, dataFolder.toAbsolutePath().toString());
            context.put("qpid.amqp_port", Integer.toString(port));
            Map<String, Object> attributes = new HashMap<>();
            attributes.put(SystemConfig.TYPE, "JSON");
            attributes.put("storePath", dataFolder.resolve("config.json").toAbsolutePath().toString());
            attributes.put(SystemConfig.INITIAL_CONFIGURATION_LOCATION, initialConfig.toUri().toString());
            attributes.put(SystemConfig.STARTUP_LOGGED_TO_SYSTEM_OUT, false);
            attributes.put(SystemConfig.CONTEXT, context);
            SystemLauncher launcher = new SystemLauncher();
            launcher.startup(attributes);
            return new Broker("amqp://guest:guest@127.0.0.1:" + port, launcher);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the embedded AMQP broker in " + dataFolder, e);
        }
    }

    public String uri() {
        return uri;
    }

    /** RabbitMQ's management API, for serving-api's Operations view. */
    public record ManagementApi(String url, String user, String password, String vhost) { }

    /**
     * A configured RabbitMQ's management API: on its host at port 15672, with the AMQP URI's credentials
     * and virtual host. The embedded broker (Qpid) has none.
     */
    public Optional<ManagementApi> managementApi() {
        if (embedded != null) {
            return Optional.empty();
        }
        URI parsed = URI.create(uri);
        String[] credentials = parsed.getUserInfo() == null ? new String[] {"guest", "guest"}
                : parsed.getUserInfo().split(":", 2);
        String vhost = parsed.getPath() == null || parsed.getPath().length() <= 1 ? "/"
                : URLDecoder.decode(parsed.getPath().substring(1), StandardCharsets.UTF_8);
        return Optional.of(new ManagementApi("http://" + parsed.getHost() + ":15672", credentials[0],
                credentials.length > 1 ? credentials[1] : "", vhost));
    }

    @Override
    public String name() {
        return "AMQP broker";
    }

    @Override
    public String address() {
        URI parsed = URI.create(uri);
        return parsed.getScheme() + "://" + parsed.getHost() + ":" + (parsed.getPort() < 0 ? 5672 : parsed.getPort())
                + (embedded == null ? "" : " (Qpid Broker-J)");
    }

    @Override
    public boolean embedded() {
        return embedded != null;
    }

    @Override
    public void close() {
        if (embedded != null) {
            try {
                embedded.shutdown();
            } catch (IllegalStateException alreadyStopped) {
                // the broker's own JVM shutdown hook stopped it first (after Ctrl-C); nothing is lost:
                // its store was written as messages arrived
            }
        }
    }

    /**
     * One AMQP port on 127.0.0.1 (its number comes from the context at every start, so it may change), the
     * guest user RabbitMQ also has, with PLAIN allowed without TLS (the only mechanism RabbitMQ's client
     * offers besides EXTERNAL; the port listens on loopback only), and one default virtual host on a
     * Derby store (reached as "/").
     */
    private static final String INITIAL_CONFIG = """
            {
              "name": "pulse-devstack",
              "modelVersion": "9.1",
              "authenticationproviders": [ {
                "name": "plain", "type": "Plain", "secureOnlyMechanisms": [],
                "users": [ { "name": "guest", "type": "managed", "password": "guest" } ]
              } ],
              "ports": [ {
                "name": "AMQP", "port": "${qpid.amqp_port}", "bindingAddress": "127.0.0.1",
                "authenticationProvider": "plain",
                "protocols": [ "AMQP_0_9_1" ],
                "virtualhostaliases": [
                  { "name": "nameAlias", "type": "nameAlias" },
                  { "name": "defaultAlias", "type": "defaultAlias" }
                ]
              } ],
              "virtualhostnodes": [ {
                "name": "default", "type": "JSON", "defaultVirtualHostNode": "true",
                "virtualHostInitialConfiguration": "{\\"type\\": \\"DERBY\\"}"
              } ]
            }
            """;
}
