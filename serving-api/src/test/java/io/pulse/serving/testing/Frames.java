package io.pulse.serving.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The JSON frames a test WebSocket client received, in order. */
public final class Frames {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final BlockingQueue<Map<String, Object>> received = new LinkedBlockingQueue<>();
    private final Set<String> skipped;

    /** @param skipped frame types {@link #next} passes over (keep-alives) */
    public Frames(Set<String> skipped) {
        this.skipped = skipped;
    }

    @SuppressWarnings("unchecked")
    public void add(String text) throws Exception {
        received.add(JSON.readValue(text, Map.class));
    }

    public static String write(Map<String, Object> message) throws Exception {
        return JSON.writeValueAsString(message);
    }

    /** The next frame that is not a keep-alive; fails after 10 s without one. */
    public Map<String, Object> next() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Map<String, Object> frame = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (frame == null) {
                throw new AssertionError("no frame but keep-alives within 10 s");
            }
            if (!skipped.contains(String.valueOf(frame.get("type")))) {
                return frame;
            }
        }
    }

    /** The next frame of any type, or null after {@code timeout}. */
    public Map<String, Object> poll(Duration timeout) throws InterruptedException {
        return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
