package io.pulse.serving.errors;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.pulse.serving.query.QueryException;
import jakarta.inject.Singleton;

/** A refused query is the caller's mistake: 400 with the engine's message. */
@Produces
@Singleton
@Requires(classes = {QueryException.class, ExceptionHandler.class})
public class QueryExceptionHandler implements ExceptionHandler<QueryException, HttpResponse<?>> {

    private final ErrorResponseProcessor<?> errors;

    public QueryExceptionHandler(ErrorResponseProcessor<?> errors) {
        this.errors = errors;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, QueryException exception) {
        return errors.processResponse(ErrorContext.builder(request).cause(exception)
                .errorMessage(exception.getMessage()).build(), HttpResponse.badRequest());
    }
}
