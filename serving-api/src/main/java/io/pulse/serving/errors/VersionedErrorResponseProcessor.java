package io.pulse.serving.errors;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.validation.ConstraintViolationException;
import jakarta.inject.Singleton;

/**
 * Shapes every error response, whoever raised it (our handlers, routing, binding, security): RFC 7807
 * problem details under /v2, the /v1 error object elsewhere. The detail is our own message for a
 * {@link ClientError} or a constraint violation and the status' reason phrase otherwise, so no error
 * ever echoes input.
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
public class VersionedErrorResponseProcessor implements ErrorResponseProcessor<Object> {

    @Override
    public MutableHttpResponse<Object> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        HttpStatus status = response.getStatus();
        String detail = context.getRootCause().map(VersionedErrorResponseProcessor::ownMessage)
                .orElse(status.getReason());
        if (context.getRequest().getPath().startsWith("/v2/")) {
            return response.body((Object) new Problem("/problems/" + slug(status), status.getReason(), status.getCode(),
                    detail)).contentType(Problem.MEDIA_TYPE);
        }
        return response.body((Object) new ApiError(new ApiError.Detail(status.getCode(), detail)))
                .contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    /** Messages we wrote: a {@link ClientError}'s, or the violated constraints by property path. */
    private static String ownMessage(Throwable cause) {
        if (cause instanceof ClientError) {
            return cause.getMessage();
        }
        if (cause instanceof ConstraintViolationException violations) {
            return violations.getConstraintViolations().stream()
                    .map(v -> v.getPropertyPath() + ": " + v.getMessage()).sorted()
                    .collect(java.util.stream.Collectors.joining("; "));
        }
        return null;
    }

    private static String slug(HttpStatus status) {
        return status.getReason().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }
}
