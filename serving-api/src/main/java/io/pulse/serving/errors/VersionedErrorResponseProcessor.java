package io.pulse.serving.errors;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.pulse.serving.query.QueryException;
import jakarta.inject.Singleton;

/**
 * Shapes every error response, whoever raised it (our handlers, routing, binding, security): RFC 7807
 * problem details under /v2, the /v1 error object elsewhere. The detail is our own message for a
 * {@link QueryException} and the status' reason phrase otherwise, so no error ever echoes input.
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
public class VersionedErrorResponseProcessor implements ErrorResponseProcessor<Object> {

    @Override
    public MutableHttpResponse<Object> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        HttpStatus status = response.getStatus();
        String detail = context.getRootCause().filter(QueryException.class::isInstance).map(Throwable::getMessage)
                .orElse(status.getReason());
        if (context.getRequest().getPath().startsWith("/v2/")) {
            return response.body((Object) new Problem("/problems/" + slug(status), status.getReason(), status.getCode(),
                    detail)).contentType(Problem.MEDIA_TYPE);
        }
        return response.body((Object) new ApiError(new ApiError.Detail(status.getCode(), detail)))
                .contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    private static String slug(HttpStatus status) {
        return status.getReason().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }
}
