package io.pulse.rollup.sink;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.pulse.contracts.rollup.RollupPublication;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link RollupPublication#SCRIPT} for batches of results: history, stream and channel in one step
 * per result. Shared by the committers of window results and of corrections.
 */
public final class RedisPublisher implements AutoCloseable {

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisPublicationSink.Retention retention;
    private String scriptSha;

    public RedisPublisher(String redisUri, RedisPublicationSink.Retention retention) {
        this.client = RedisClient.create(redisUri);
        this.connection = client.connect();
        this.retention = retention;
        this.scriptSha = connection.sync().scriptLoad(RollupPublication.SCRIPT);
    }

    /**
     * Pipelines the whole batch, one script run per result, in the batch's order; throws if any failed.
     * {@code corrections}: the batch holds corrected rows of closed windows, not window results.
     */
    public void publish(List<Publication> batch, boolean corrections) throws Exception {
        try {
            send(batch, corrections);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RedisNoScriptException) {
                scriptSha = connection.sync().scriptLoad(RollupPublication.SCRIPT); // Redis restarted
            }
            throw e;
        }
    }

    private void send(List<Publication> batch, boolean corrections) throws Exception {
        RedisAsyncCommands<String, String> redis = connection.async();
        connection.setAutoFlushCommands(false);
        List<RedisFuture<?>> replies = new ArrayList<>(batch.size());
        try {
            for (Publication p : batch) {
                replies.add(redis.evalsha(scriptSha, ScriptOutputType.VALUE,
                        RollupPublication.keys(p.historyKey(), p.streamKey()),
                        RollupPublication.args(p.version(), p.json(), retention.historyLength(),
                                retention.ttlSeconds(), retention.streamLength(), p.channel(), corrections)));
            }
            connection.flushCommands();
        } finally {
            connection.setAutoFlushCommands(true);
        }
        for (RedisFuture<?> reply : replies) {
            reply.get(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
