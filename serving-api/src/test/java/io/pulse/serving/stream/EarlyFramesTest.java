package io.pulse.serving.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A frame read before the upgrade swapped the handlers waits for the WebSocket handler instead of being lost. */
class EarlyFramesTest {

    /** Records what reaches it. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<String> read = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            read.add(((TextWebSocketFrame) message).text());
            ((TextWebSocketFrame) message).release();
        }
    }

    @Test
    void framesReadBeforeTheWebSocketHandlerIsInPlaceReachItInOrder() {
        Recorder http = new Recorder();
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast("pulse-early-websocket-frames", new EarlyFrames.Holder());
        channel.pipeline().addLast(ChannelPipelineCustomizer.HANDLER_MICRONAUT_INBOUND, http);

        channel.writeInbound(new TextWebSocketFrame("connection_init"), new TextWebSocketFrame("subscribe"));
        channel.runPendingTasks();
        assertThat(http.read).as("the HTTP handler gets no frame").isEmpty();

        // what Micronaut does once the 101 is out
        Recorder websocket = new Recorder();
        channel.pipeline().addBefore(ChannelPipelineCustomizer.HANDLER_MICRONAUT_INBOUND, EarlyFrames.WEBSOCKET_HANDLER, websocket);
        channel.pipeline().remove(ChannelPipelineCustomizer.HANDLER_MICRONAUT_INBOUND);
        channel.advanceTimeBy(2, java.util.concurrent.TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.writeInbound(new TextWebSocketFrame("ping"));

        assertThat(websocket.read).containsExactly("connection_init", "subscribe", "ping");
        assertThat(channel.pipeline().get("pulse-early-websocket-frames")).as("gone once upgraded").isNull();
        channel.finishAndReleaseAll();
    }
}
