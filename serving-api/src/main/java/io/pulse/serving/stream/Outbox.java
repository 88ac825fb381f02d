package io.pulse.serving.stream;

import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketSession;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * The frames waiting for one client, sent one at a time so a slow reader holds them here rather than in
 * the network stack. Past {@code capacity} frames, deltas of the same subscription are merged into one
 * (newest value per point) and heartbeats dropped; a client over capacity for {@code slowCloseMillis}
 * is closed with {@link #SLOW_CONSUMER}.
 */
public final class Outbox {

    /** Close code for a client that stays too slow to take its frames (docs/streaming.md). */
    public static final int SLOW_CONSUMER = 4008;

    /** A frame, rendered only when it is its turn, so sequence numbers follow the sending order. */
    public interface Frame {
        String render();

        /** Whether the frame may be dropped when the client falls behind. */
        default boolean droppable() {
            return false;
        }

        /** Frames with the same non-null key may be merged into one; the earlier keeps its place. */
        default Object mergeKey() {
            return null;
        }

        default Frame mergedWith(Frame newer) {
            throw new UnsupportedOperationException();
        }
    }

    /** Where frames go: the client's socket. */
    public interface Transport {
        CompletionStage<?> send(String text);

        void close(int code, String reason);
    }

    /** What happens to frames, for the meters. */
    public interface Listener {
        void sent();

        void conflated(int merged);

        void dropped(int frames);
    }

    private final Transport transport;
    private final Listener listener;
    private final int capacity;
    private final long slowCloseMillis;
    private final LongSupplier clock;
    private ArrayDeque<Frame> queue = new ArrayDeque<>();
    private boolean sending;
    private boolean closed;
    private long behindSince = -1;

    public Outbox(Transport transport, Listener listener, int capacity, long slowCloseMillis, LongSupplier clock) {
        this.transport = transport;
        this.listener = listener;
        this.capacity = capacity;
        this.slowCloseMillis = slowCloseMillis;
        this.clock = clock;
    }

    /** The outbox of a WebSocket session, sized by the stream settings. */
    public static Outbox of(WebSocketSession session, StreamSettings settings, Listener listener) {
        return new Outbox(new Transport() {
            @Override
            public CompletionStage<?> send(String text) {
                return session.sendAsync(text);
            }

            @Override
            public void close(int code, String reason) {
                session.close(new CloseReason(code, reason));
            }
        }, listener, settings.bufferFrames(), settings.slowCloseSeconds() * 1000L, System::currentTimeMillis);
    }

    public synchronized void offer(Frame frame) {
        if (closed) {
            return;
        }
        queue.add(frame);
        if (queue.size() > capacity) {
            conflate();
            long now = clock.getAsLong();
            if (behindSince < 0) {
                behindSince = now;
            } else if (now - behindSince >= slowCloseMillis) {
                closed = true;
                listener.dropped(queue.size());
                queue.clear();
                transport.close(SLOW_CONSUMER, "too slow: frames waited over " + slowCloseMillis + " ms");
                return;
            }
        }
        pump();
    }

    synchronized int waiting() {
        return queue.size();
    }

    private void pump() {
        while (!sending && !closed && !queue.isEmpty()) {
            String text = queue.poll().render();
            sending = true;
            listener.sent();
            transport.send(text).whenComplete((ignored, failure) -> sent(failure));
        }
    }

    private synchronized void sent(Throwable failure) {
        sending = false;
        if (failure != null) {
            closed = true; // the connection is gone; its close handler releases the subscriptions
            listener.dropped(queue.size());
            queue.clear();
            return;
        }
        if (queue.size() <= capacity / 2) {
            behindSince = -1;
        }
        pump();
    }

    private void conflate() {
        List<Frame> kept = new ArrayList<>(queue.size());
        Map<Object, Integer> positions = new HashMap<>();
        int dropped = 0;
        int merged = 0;
        for (Frame frame : queue) {
            if (frame.droppable()) {
                dropped++;
                continue;
            }
            Object key = frame.mergeKey();
            Integer position = key == null ? null : positions.get(key);
            if (position == null) {
                if (key != null) {
                    positions.put(key, kept.size());
                }
                kept.add(frame);
            } else {
                kept.set(position, kept.get(position).mergedWith(frame));
                merged++;
            }
        }
        queue = new ArrayDeque<>(kept);
        listener.dropped(dropped);
        listener.conflated(merged);
    }
}
