package io.pulse.serving.errors;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

/** Answers a {@link ClientError} with its status and message, in the error shape of the API version. */
@Produces
@Singleton
public class ClientErrorHandler implements ExceptionHandler<ClientError, HttpResponse<?>> {

    private final ErrorResponseProcessor<?> errors;

    public ClientErrorHandler(ErrorResponseProcessor<?> errors) {
        this.errors = errors;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, ClientError error) {
        return errors.processResponse(ErrorContext.builder(request).cause(error).errorMessage(error.getMessage())
                .build(), HttpResponse.status(HttpStatus.valueOf(error.status())));
    }
}
