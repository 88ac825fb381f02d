package io.pulse.contracts.rollup;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * What the channel of a (tenant, metric) carries: a window result and the id of its entry in the
 * metric's stream ({@link RedisKeys#stream}), which live subscribers keep as their resume cursor.
 * {@link #SCRIPT} is the one way a result reaches Redis (history, stream and channel in one step).
 */
public record RollupPublication(String id, RollupUpdate update) {

    /** Lua script; keys and arguments are listed in its header and built by {@link #keys} and {@link #args}. */
    public static final String SCRIPT = load("publish-rollup.lua");

    /** Entry kept in the stream under this field name, holding the {@link RollupUpdate} JSON. */
    public static final String STREAM_FIELD = "u";

    public static String[] keys(String historyKey, String streamKey) {
        return new String[] {historyKey, streamKey, historyKey + ":newest", RedisKeys.generationOf(streamKey)};
    }

    /** Arguments for a window result. */
    public static String[] args(long version, String updateJson, int historyLength, long ttlSeconds,
                                int streamLength, String channel) {
        return args(version, updateJson, historyLength, ttlSeconds, streamLength, channel, false);
    }

    /**
     * Arguments for a window result or, with {@code correction}, for a closed window's corrected row
     * (it may follow newer results of its series, so its repeats are told apart differently).
     */
    public static String[] args(long version, String updateJson, int historyLength, long ttlSeconds,
                                int streamLength, String channel, boolean correction) {
        return new String[] {Long.toString(version), updateJson, Integer.toString(historyLength),
            Long.toString(ttlSeconds), Integer.toString(streamLength), channel, correction ? "correction" : "result"};
    }

    private static String load(String name) {
        try (InputStream in = RollupPublication.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
