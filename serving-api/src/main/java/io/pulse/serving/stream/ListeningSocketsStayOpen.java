package io.pulse.serving.stream;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.HttpServerConfiguration;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a WebSocket open while its client only listens. Micronaut closes any connection that has read
 * nothing for {@code micronaut.server.read-idle-timeout} (5 min) with 1001, and a dashboard viewer or
 * an API client watching a stream sends nothing after subscribing. On a socket's upgrade request the
 * connection's idle handler is replaced by one that closes only when nothing went either way for
 * {@code micronaut.server.idle-timeout}: the server's heartbeats (every 15 s) keep a live socket busy,
 * and one whose client is gone fills its outbox and is closed as a slow consumer.
 */
@ServerFilter({"/v1/stream", "/graphql-ws"})
public class ListeningSocketsStayOpen {

    private final HttpServerConfiguration server;

    public ListeningSocketsStayOpen(HttpServerConfiguration server) {
        this.server = server;
    }

    @RequestFilter
    public void idleOnlyWhenSilentBothWays(HttpRequest<?> request) {
        if (request instanceof NettyHttpRequest<?> netty) {
            ChannelPipeline pipeline = netty.getChannelHandlerContext().pipeline();
            if (pipeline.get(ChannelPipelineCustomizer.HANDLER_IDLE_STATE) != null) {
                pipeline.replace(ChannelPipelineCustomizer.HANDLER_IDLE_STATE, ChannelPipelineCustomizer.HANDLER_IDLE_STATE,
                        new IdleStateHandler(0, 0, Math.max(0, server.getIdleTimeout().toMillis()), TimeUnit.MILLISECONDS));
            }
        }
    }
}
