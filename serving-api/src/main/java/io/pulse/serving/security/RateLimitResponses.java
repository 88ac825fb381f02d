package io.pulse.serving.security;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.pulse.serving.errors.ClientError;
import io.pulse.serving.security.RateLimitBuckets.Measured;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What the rate-limit filters answer: 429 with {@code Retry-After} and the API version's error body, and
 * the {@code RateLimit-*} headers of the tighter bucket on every answer.
 */
@Singleton
class RateLimitResponses {

    /** Request attributes holding the takes of a request, for the headers of its answer. */
    static final String BY_ADDRESS = RateLimitResponses.class.getName() + ".address";
    static final String BY_CALLER = RateLimitResponses.class.getName() + ".caller";

    private final ErrorResponseProcessor<?> errors;
    private final RateLimitMetrics metrics;

    RateLimitResponses(ErrorResponseProcessor<?> errors, RateLimitMetrics metrics) {
        this.errors = errors;
        this.metrics = metrics;
    }

    MutableHttpResponse<?> tooMany(HttpRequest<?> request, Measured refused, RateLimitMetrics.Limit limit) {
        MutableHttpResponse<?> response = tooMany(request, Duration.ofNanos(refused.probe().getNanosToWaitForRefill()),
                "rate limit of " + refused.limit() + " requests a minute reached", limit);
        setHeaders(response, refused); // response filters do not see an answer given by a request filter
        return response;
    }

    MutableHttpResponse<?> tooMany(HttpRequest<?> request, Duration retryAfter, String message,
                                   RateLimitMetrics.Limit limit) {
        metrics.rejected(limit);
        MutableHttpResponse<?> response = errors.processResponse(ErrorContext.builder(request)
                .cause(new ClientError(429, message)).errorMessage(message).build(),
                HttpResponse.status(HttpStatus.TOO_MANY_REQUESTS));
        return response.header("Retry-After", Long.toString(seconds(retryAfter.toNanos())));
    }

    /** Sets the headers of the tighter of the request's takes, if it made any. */
    static void setHeaders(HttpRequest<?> request, MutableHttpResponse<?> response) {
        Measured byAddress = request.getAttribute(BY_ADDRESS, Measured.class).orElse(null);
        Measured byCaller = request.getAttribute(BY_CALLER, Measured.class).orElse(null);
        if (byAddress != null) {
            setHeaders(response, Measured.tighter(byAddress, byCaller));
        } else if (byCaller != null) {
            setHeaders(response, byCaller);
        }
    }

    private static void setHeaders(MutableHttpResponse<?> response, Measured measured) {
        response.getHeaders().set("RateLimit-Limit", Long.toString(measured.limit()));
        response.getHeaders().set("RateLimit-Remaining", Long.toString(Math.max(0, measured.probe().getRemainingTokens())));
        response.getHeaders().set("RateLimit-Reset", Long.toString(seconds(measured.probe().getNanosToWaitForReset())));
    }

    private static long seconds(long nanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(nanos + 999_999_999L));
    }
}
