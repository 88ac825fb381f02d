package io.pulse.serving.stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.pulse.contracts.rollup.RollupPublication;
import io.pulse.contracts.rollup.RollupUpdate;
import java.io.IOException;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance's Redis subscriptions: one per channel, however many local listeners share it, on one
 * pub/sub connection. A publication is parsed once and handed to every listener of its channel.
 */
@Singleton
public class Channels implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Channels.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final StatefulRedisPubSubConnection<String, String> pubsub;
    private final Map<String, Set<Consumer<RollupPublication>>> listeners = new ConcurrentHashMap<>();

    public Channels(RedisClient client) {
        this.pubsub = client.connectPubSub();
        pubsub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                dispatch(channel, message);
            }
        });
    }

    /** Starts handing the channel's publications to {@code listener}; closing the handle stops it. */
    public synchronized AutoCloseable listen(String channel, Consumer<RollupPublication> listener) {
        Set<Consumer<RollupPublication>> local = listeners.get(channel);
        if (local == null) {
            local = new CopyOnWriteArraySet<>();
            listeners.put(channel, local);
            pubsub.sync().subscribe(channel);
        }
        local.add(listener);
        return () -> stop(channel, listener);
    }

    private synchronized void stop(String channel, Consumer<RollupPublication> listener) {
        Set<Consumer<RollupPublication>> local = listeners.get(channel);
        if (local != null && local.remove(listener) && local.isEmpty()) {
            listeners.remove(channel);
            pubsub.sync().unsubscribe(channel);
        }
    }

    /** Reads a {@link RollupUpdate} as the rollup job wrote it (in a publication or a stream entry). */
    static RollupUpdate readUpdate(String json) throws IOException {
        return JSON.readValue(json, RollupUpdate.class);
    }

    private void dispatch(String channel, String message) {
        Set<Consumer<RollupPublication>> local = listeners.get(channel);
        if (local == null) {
            return;
        }
        RollupPublication publication;
        try {
            publication = JSON.readValue(message, RollupPublication.class);
        } catch (Exception e) {
            LOG.warn("unreadable publication on {}", channel, e);
            return;
        }
        for (Consumer<RollupPublication> listener : local) {
            listener.accept(publication);
        }
    }

    @PreDestroy
    @Override
    public void close() {
        pubsub.close();
    }
}
