package io.pulse.serving.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-connection buffer: one frame in flight, conflation when a client falls behind, then the close. */
class OutboxTest {

    /** A socket whose writes complete only when the test says the client has read them. */
    private static final class SlowSocket implements Outbox.Transport {
        final List<String> written = new ArrayList<>();
        final List<CompletableFuture<Void>> pending = new ArrayList<>();
        int closeCode;

        @Override
        public CompletionStage<?> send(String text) {
            written.add(text);
            CompletableFuture<Void> done = new CompletableFuture<>();
            pending.add(done);
            return done;
        }

        @Override
        public void close(int code, String reason) {
            closeCode = code;
        }

        void readAll() {
            while (!pending.isEmpty()) {
                pending.remove(0).complete(null);
            }
        }
    }

    /** Counts what the outbox reports to the meters. */
    private static final class Counts implements Outbox.Listener {
        int sent;
        int conflated;
        int dropped;

        @Override
        public void sent() {
            sent++;
        }

        @Override
        public void conflated(int merged) {
            conflated += merged;
        }

        @Override
        public void dropped(int frames) {
            dropped += frames;
        }
    }

    /** A delta of one subscription: merges newest-wins per key, renders its merged content. */
    private record Delta(String sub, Map<String, Integer> values) implements Outbox.Frame {
        @Override
        public String render() {
            return sub + new java.util.TreeMap<>(values);
        }

        @Override
        public Object mergeKey() {
            return sub;
        }

        @Override
        public Outbox.Frame mergedWith(Outbox.Frame newer) {
            Map<String, Integer> merged = new java.util.HashMap<>(values);
            merged.putAll(((Delta) newer).values());
            return new Delta(sub, merged);
        }
    }

    private static Outbox.Frame heartbeat() {
        return new Outbox.Frame() {
            @Override
            public String render() {
                return "heartbeat";
            }

            @Override
            public boolean droppable() {
                return true;
            }
        };
    }

    @Test
    void aClientThatKeepsUpGetsEveryFrameInOrder() {
        SlowSocket socket = new SlowSocket();
        Outbox outbox = new Outbox(socket, new Counts(), 4, 1_000, () -> 0);
        for (int i = 0; i < 10; i++) {
            outbox.offer(new Delta("a", Map.of("p" + i, i)));
            socket.readAll();
        }
        assertThat(socket.written).hasSize(10).first().isEqualTo("a{p0=0}");
        assertThat(socket.closeCode).isZero();
    }

    @Test
    void aClientThatFallsBehindGetsTheNewestValuePerPointThenIsClosedIfItStaysBehind() {
        SlowSocket socket = new SlowSocket();
        AtomicLong now = new AtomicLong();
        Counts counts = new Counts();
        Outbox outbox = new Outbox(socket, counts, 3, 1_000, now::get);
        outbox.offer(new Delta("a", Map.of("p", 0))); // in flight, not yet read
        outbox.offer(new Delta("a", Map.of("p", 1)));
        outbox.offer(heartbeat());
        outbox.offer(new Delta("b", Map.of("q", 1)));
        outbox.offer(new Delta("a", Map.of("p", 2, "r", 7))); // fourth waiting: over capacity, conflated
        assertThat(outbox.waiting()).isEqualTo(2);

        socket.readAll();
        socket.readAll();
        socket.readAll();
        assertThat(socket.written).containsExactly("a{p=0}", "a{p=2, r=7}", "b{q=1}");
        assertThat(counts.sent).isEqualTo(3);
        assertThat(counts.conflated).as("a{p=1} merged into the newer a").isEqualTo(1);
        assertThat(counts.dropped).as("the heartbeat").isEqualTo(1);

        // behind again, and still behind a second later: closed with the slow-consumer code
        for (int i = 0; i < 5; i++) { // one in flight, four waiting: over capacity from now on
            outbox.offer(new Delta("s" + i, Map.of("p", i)));
        }
        now.addAndGet(999);
        outbox.offer(new Delta("s9", Map.of("p", 9)));
        assertThat(socket.closeCode).isZero();
        now.addAndGet(1);
        outbox.offer(new Delta("s10", Map.of("p", 10)));
        assertThat(socket.closeCode).isEqualTo(Outbox.SLOW_CONSUMER);
        assertThat(counts.sent).isEqualTo(4);
        assertThat(counts.dropped).as("the heartbeat, then the six frames waiting at the close").isEqualTo(7);
        int written = socket.written.size();
        outbox.offer(new Delta("a", Map.of("p", 11)));
        socket.readAll();
        assertThat(socket.written).hasSize(written);
    }

    @Test
    void catchingUpClearsTheSlowClock() {
        SlowSocket socket = new SlowSocket();
        AtomicLong now = new AtomicLong();
        Outbox outbox = new Outbox(socket, new Counts(), 2, 1_000, now::get);
        for (int i = 0; i < 4; i++) {
            outbox.offer(new Delta("s" + i, Map.of("p", i)));
        }
        socket.readAll();
        socket.readAll();
        socket.readAll();
        now.addAndGet(5_000);
        for (int i = 0; i < 4; i++) {
            outbox.offer(new Delta("t" + i, Map.of("p", i)));
        }
        assertThat(socket.closeCode).isZero();
    }
}
