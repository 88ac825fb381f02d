package io.pulse.serving.graphql;

import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherExceptionHandler;
import graphql.execution.DataFetcherExceptionHandlerParameters;
import graphql.execution.DataFetcherExceptionHandlerResult;
import io.pulse.serving.errors.ClientError;
import io.pulse.serving.stream.StreamException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Field errors as GraphQL errors: a refused request keeps our message (never the caller's input) and a
 * code in {@code extensions}; anything else is logged and answered as an internal error, without
 * details a client should not see.
 */
final class GraphQLErrors implements DataFetcherExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(GraphQLErrors.class);

    @Override
    public CompletableFuture<DataFetcherExceptionHandlerResult> handleException(
            DataFetcherExceptionHandlerParameters parameters) {
        return CompletableFuture.completedFuture(DataFetcherExceptionHandlerResult.newResult(
                of(parameters.getException(), parameters.getPath().toString()).path(parameters.getPath())
                .location(parameters.getSourceLocation()).build()).build());
    }

    /**
     * The error for a failure anywhere in an operation (a field, or a running subscription's stream): a
     * refusal keeps our message and its code, anything else is logged and answered as internal.
     */
    static GraphqlErrorBuilder<?> of(Throwable failure, String where) {
        while (failure instanceof CompletionException && failure.getCause() != null) {
            failure = failure.getCause();
        }
        String message;
        String code;
        if (failure instanceof StreamException refused) {
            message = refused.getMessage();
            code = refused.code();
        } else if (failure instanceof ClientError refused) {
            message = refused.getMessage();
            code = refused.status() == 403 ? "forbidden" : "bad_request";
        } else {
            LOG.error("GraphQL operation failed at {}", where, failure);
            message = "internal error";
            code = "internal";
        }
        return GraphqlErrorBuilder.newError().message(message).extensions(Map.of("code", code));
    }
}
