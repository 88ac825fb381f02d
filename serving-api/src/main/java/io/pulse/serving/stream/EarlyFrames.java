package io.pulse.serving.stream;

import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import jakarta.inject.Singleton;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a WebSocket frame that arrives before Micronaut has put its WebSocket handler in the connection's
 * pipeline, and passes it on once the handler is there. Micronaut 4.10 writes the 101 and then swaps the
 * HTTP handler for the WebSocket one; when the upgrade completes off the event loop (a session saved on a
 * Redis thread, say), a client's first frame can be read in between and reach the HTTP handler, which drops
 * it ("No request state present"). {@link UpgradeOnEventLoop} and {@link UpgradeAnswerOnEventLoop} narrow
 * that window; this closes it, whatever thread finishes the upgrade. Fixed upstream by micronaut-core PR
 * 12528, not in the 4.10 line: drop all three with it.
 */
@Singleton
class EarlyFrames implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {

    /** The name Micronaut gives the WebSocket handler it adds on upgrade. */
    static final String WEBSOCKET_HANDLER = "websocket-handler";
    private static final String NAME = "pulse-early-websocket-frames";

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        event.getBean().register(new Customizer(null));
        return event.getBean();
    }

    private record Customizer(Channel channel) implements NettyServerCustomizer {
        @Override
        public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
            return role == ChannelRole.CONNECTION ? new Customizer(channel) : this;
        }

        @Override
        public void onStreamPipelineBuilt() {
            ChannelPipeline pipeline = channel == null ? null : channel.pipeline();
            if (pipeline != null && pipeline.get(ChannelPipelineCustomizer.HANDLER_MICRONAUT_INBOUND) != null
                    && pipeline.get(NAME) == null) {
                pipeline.addBefore(ChannelPipelineCustomizer.HANDLER_MICRONAUT_INBOUND, NAME, new Holder());
            }
        }
    }

    /** Right before Micronaut's HTTP handler, where the WebSocket handler is added in front of it. */
    static final class Holder extends ChannelInboundHandlerAdapter {

        /** How long frames may wait for the swap before they go on anyway (it takes microseconds). */
        private static final int MAX_WAITS = 1000;
        private final ArrayDeque<Object> held = new ArrayDeque<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (!held.isEmpty() || (message instanceof WebSocketFrame && ctx.pipeline().get(WEBSOCKET_HANDLER) == null)) {
                held.add(message);
                if (held.size() == 1) {
                    release(ctx, 0);
                }
                return;
            }
            ctx.fireChannelRead(message);
            if (message instanceof WebSocketFrame) {
                ctx.pipeline().remove(this); // upgraded: nothing more to hold
            }
        }

        /** Passes the held frames on once the WebSocket handler is in place; until then, looks again in 1 ms. */
        private void release(ChannelHandlerContext ctx, int waits) {
            if (ctx.isRemoved()) {
                return;
            }
            if (ctx.pipeline().get(WEBSOCKET_HANDLER) == null && waits < MAX_WAITS) {
                ctx.executor().schedule(() -> release(ctx, waits + 1), 1, TimeUnit.MILLISECONDS);
                return;
            }
            while (!held.isEmpty()) {
                ctx.fireChannelRead(held.poll());
            }
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            held.forEach(ReferenceCountUtil::release);
            held.clear();
        }
    }
}
