package io.pulse.serving.stream;

/**
 * When a live query recomputes its changed points: at once when it has not done so for a window's
 * length, otherwise when the window since the last recomputation ends. A lone publication is delivered
 * without waiting, while a burst (a checkpoint's results) becomes at most two deltas per window: its
 * first publication's and the rest's.
 */
final class BatchWindow {

    private final long windowMillis;
    private long lastFlushMillis = Long.MIN_VALUE / 2;

    BatchWindow(long windowMillis) {
        this.windowMillis = windowMillis;
    }

    /** How long a change noted at {@code nowMillis} waits for its recomputation. */
    long delayMillis(long nowMillis) {
        return Math.max(0, lastFlushMillis + windowMillis - nowMillis);
    }

    void flushed(long nowMillis) {
        lastFlushMillis = nowMillis;
    }
}
