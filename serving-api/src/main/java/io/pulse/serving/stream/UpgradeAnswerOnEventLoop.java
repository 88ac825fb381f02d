package io.pulse.serving.stream;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.netty.util.concurrent.EventExecutor;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Finishes WebSocket upgrades on the connection's event loop. Micronaut 4.10 writes the 101 and switches the
 * pipeline to WebSocket on whichever thread completes the upgrade's filter chain, and it adds the frame
 * decoder and sends the 101 before it takes the HTTP handler out: when that thread is not the event loop, a
 * frame the client sends at once can reach the HTTP handler and is lost ("No request state present").
 * Authentication may finish elsewhere (a JWKS fetched over HTTP, an API key looked up on the blocking pool),
 * and so may answers: micronaut-session saves a session on every request that has one (reading it touched
 * its last access), so a session-cookie upgrade's answer completes on the Redis client's thread, after every
 * filter inside the session filter. This filter is the outermost, so its answer half runs last and hands the
 * answer to the upgrade on the event loop. {@link UpgradeOnEventLoop} brings the request back to the loop
 * before the route (the upgrade's handler) runs; both are needed: either alone still lost first frames. Fixed upstream by micronaut-core PR 12528, not in the 4.10 line;
 * drop this with it.
 */
@ServerFilter({"/v1/stream", "/graphql-ws"})
public class UpgradeAnswerOnEventLoop implements Ordered {

    @ResponseFilter
    public Publisher<MutableHttpResponse<?>> backToEventLoop(HttpRequest<?> request, MutableHttpResponse<?> answer) {
        if (request instanceof NettyHttpRequest<?> netty) {
            EventExecutor loop = netty.getChannelHandlerContext().executor();
            if (!loop.inEventLoop()) {
                return Mono.create(sink -> loop.execute(() -> sink.success(answer)));
            }
        }
        return Mono.just(answer);
    }

    /** The first filter, so the last to see the answer: whatever ran inside it may have left the loop. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
