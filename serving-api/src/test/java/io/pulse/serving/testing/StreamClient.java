package io.pulse.serving.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketClient;
import io.micronaut.websocket.WebSocketSession;
import io.micronaut.websocket.annotation.ClientWebSocket;
import io.micronaut.websocket.annotation.OnClose;
import io.micronaut.websocket.annotation.OnMessage;
import io.micronaut.websocket.annotation.OnOpen;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;

/** A real WebSocket client of {@code /v1/stream} that keeps every frame it receives, in order. */
@ClientWebSocket
public abstract class StreamClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final BlockingQueue<Map<String, Object>> frames = new LinkedBlockingQueue<>();
    private volatile WebSocketSession session;
    private volatile CloseReason closeReason;

    public static StreamClient connect(WebSocketClient client, URI server, String token) {
        MutableHttpRequest<?> request = HttpRequest.GET(server.resolve("/v1/stream")).bearerAuth(token);
        return Mono.from(client.connect(StreamClient.class, request)).block(Duration.ofSeconds(10));
    }

    @OnOpen
    void opened(WebSocketSession session) {
        this.session = session;
    }

    @OnMessage
    @SuppressWarnings("unchecked")
    void received(String text) throws Exception {
        frames.add(JSON.readValue(text, Map.class));
    }

    @OnClose
    void closed(CloseReason reason) {
        closeReason = reason;
    }

    public abstract void send(String text);

    public void send(Map<String, Object> message) throws Exception {
        send(JSON.writeValueAsString(message));
    }

    /** The next frame, skipping heartbeats; fails after 10 s without one. */
    public Map<String, Object> next() throws InterruptedException {
        while (true) {
            Map<String, Object> frame = frames.poll(10, TimeUnit.SECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within 10 s");
            }
            if (!"heartbeat".equals(frame.get("type"))) {
                return frame;
            }
        }
    }

    /** The next frame including heartbeats, or null after {@code timeout}. */
    public Map<String, Object> poll(Duration timeout) throws InterruptedException {
        return frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public CloseReason closeReason() {
        return closeReason;
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
        }
    }
}
