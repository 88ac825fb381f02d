package io.pulse.serving.stream;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.FilterContinuation;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.http.server.netty.NettyHttpRequest;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Finishes WebSocket upgrades on the connection's event loop. When authentication completed elsewhere
 * (a JWKS fetched over HTTP, an API key looked up on the blocking pool), Micronaut 4.10 wrote the 101 from
 * that thread while the pipeline was still HTTP, and a frame the client sent at once was lost ("No request
 * state present"). Fixed upstream by micronaut-core PR 12528, not in the 4.10 line; drop this with it.
 * {@link UpgradeAnswerOnEventLoop} does the same for the answer, which may also finish elsewhere.
 */
@ServerFilter({"/v1/stream", "/graphql-ws"})
public class UpgradeOnEventLoop implements Ordered {

    @RequestFilter
    public Publisher<MutableHttpResponse<?>> backToEventLoop(HttpRequest<?> request,
            FilterContinuation<Publisher<MutableHttpResponse<?>>> upgrade) {
        if (request instanceof NettyHttpRequest<?> netty && !netty.getChannelHandlerContext().executor().inEventLoop()) {
            return Mono.defer(() -> Mono.from(upgrade.proceed()))
                    .subscribeOn(Schedulers.fromExecutor(netty.getChannelHandlerContext().executor()));
        }
        return upgrade.proceed();
    }

    /** The last filter: whatever ran before it may have moved the request off the loop. */
    @Override
    public int getOrder() {
        return ServerFilterPhase.LAST.order();
    }
}
