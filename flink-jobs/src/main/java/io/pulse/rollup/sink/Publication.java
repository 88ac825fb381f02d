package io.pulse.rollup.sink;

/** One rollup as it will be written to Redis: its channel, history and stream keys, version and JSON. */
public record Publication(String channel, String historyKey, String streamKey, long version, String json) {
}
