package io.pulse.rollup.sink;

/** One rollup as it will be written to Redis: its channel, its history key, version and JSON. */
public record Publication(String channel, String historyKey, long version, String json) {
}
