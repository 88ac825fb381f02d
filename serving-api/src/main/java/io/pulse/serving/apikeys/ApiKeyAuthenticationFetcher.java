package io.pulse.serving.apikeys;

import io.micronaut.http.HttpRequest;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.filters.AuthenticationFetcher;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.concurrent.ExecutorService;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Authenticates requests carrying {@code X-API-Key}: an unknown or revoked key authenticates nobody, so
 * the request is anonymous (401 on every API route). The lookup blocks, so it leaves the event loop.
 */
@Singleton
public class ApiKeyAuthenticationFetcher implements AuthenticationFetcher<HttpRequest<?>> {

    public static final String HEADER = "X-API-Key";

    private final ApiKeys keys;
    private final Scheduler blocking;

    public ApiKeyAuthenticationFetcher(ApiKeys keys, @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.keys = keys;
        this.blocking = Schedulers.fromExecutorService(blocking);
    }

    @Override
    public Publisher<Authentication> fetchAuthentication(HttpRequest<?> request) {
        String key = request.getHeaders().get(HEADER);
        if (key == null) {
            return Mono.empty();
        }
        return Mono.fromCallable(() -> (Authentication) keys.verify(key).orElse(null)).subscribeOn(blocking);
    }
}
