package io.pulse.serving.testing;

import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketSession;
import io.micronaut.websocket.annotation.OnClose;
import io.micronaut.websocket.annotation.OnMessage;
import io.micronaut.websocket.annotation.OnOpen;
import java.time.Duration;
import java.util.Map;

/** A real WebSocket client that exchanges JSON frames and keeps every frame it receives, in order. */
public abstract class JsonSocketClient implements AutoCloseable {

    private final Frames frames;
    private volatile WebSocketSession session;
    private volatile CloseReason closeReason;

    /** @param keepAlives frame types {@link #next} passes over */
    protected JsonSocketClient(java.util.Set<String> keepAlives) {
        this.frames = new Frames(keepAlives);
    }

    @OnOpen
    void opened(WebSocketSession session) {
        this.session = session;
    }

    @OnMessage
    void received(String text) throws Exception {
        frames.add(text);
    }

    @OnClose
    void closed(CloseReason reason) {
        closeReason = reason;
    }

    public abstract void send(String text);

    public void send(Map<String, Object> message) throws Exception {
        send(Frames.write(message));
    }

    /** The next frame that is not a keep-alive; fails after 10 s without one. */
    public Map<String, Object> next() throws InterruptedException {
        return frames.next();
    }

    /** The next frame of any type, or null after {@code timeout}. */
    public Map<String, Object> poll(Duration timeout) throws InterruptedException {
        return frames.poll(timeout);
    }

    /** Why the server closed the connection, once it has. */
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
