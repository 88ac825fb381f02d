package io.pulse.devstack.services;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import redis.embedded.RedisServer;

/**
 * Redis: the configured server, or an embedded redis-server on a free port that appends every write to a
 * file in the data folder, so live streams, sessions and API keys outlive a restart.
 */
public final class Redis implements BackingService {

    private final String uri;
    private final RedisServer embedded;

    private Redis(String uri, RedisServer embedded) {
        this.uri = uri;
        this.embedded = embedded;
    }

    public static Redis configured(String uri) {
        return new Redis(uri, null);
    }

    public static Redis embedded(Path dataFolder) {
        Path pidFile = dataFolder.resolve("redis.pid");
        LeftoverProcess.stop(pidFile, "redis-server", Duration.ofSeconds(30));
        int port = FreePorts.any();
        try {
            Files.createDirectories(dataFolder);
            RedisServer server = RedisServer.newRedisServer()
                    .bind("127.0.0.1")
                    .port(port)
                    .setting("dir " + dataFolder.toAbsolutePath())
                    .setting("appendonly yes")
                    .setting("save \"\"")
                    .setting("pidfile " + pidFile.toAbsolutePath())
                    .onShutdownForceStop(false) // stopped by the devstack, after the parts that use it
                    .build();
            server.start();
            return new Redis("redis://127.0.0.1:" + port, server);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded Redis in " + dataFolder, e);
        }
    }

    public String uri() {
        return uri;
    }

    @Override
    public String name() {
        return "Redis";
    }

    @Override
    public String address() {
        return uri;
    }

    @Override
    public boolean embedded() {
        return embedded != null;
    }

    @Override
    public void close() {
        if (embedded != null) {
            try {
                embedded.stop();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
