package io.pulse.serving.graphql;

import graphql.ExecutionInput;
import graphql.schema.DataFetchingEnvironment;
import io.micronaut.configuration.graphql.GraphQLExecutionInputCustomizer;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.pulse.serving.caller.Caller;
import io.pulse.serving.caller.CallerBinder;
import io.pulse.serving.security.Forbidden;
import io.pulse.serving.security.Permission;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Puts the authenticated caller into every GraphQL execution's context, where data fetchers take the
 * tenant from; a GraphQL argument never names a tenant.
 */
@Singleton
public class GraphQLCaller implements GraphQLExecutionInputCustomizer {

    private static final String KEY = Caller.class.getName();

    @Override
    public Publisher<ExecutionInput> customize(ExecutionInput input, HttpRequest httpRequest,
                                               @Nullable MutableHttpResponse<String> httpResponse) {
        return Mono.just(with(input, CallerBinder.callerOf(httpRequest).orElseThrow()));
    }

    static ExecutionInput with(ExecutionInput input, Caller caller) {
        input.getGraphQLContext().put(KEY, caller);
        return input;
    }

    /** The caller, refused unless its roles grant {@code permission}. */
    static Caller require(DataFetchingEnvironment environment, Permission permission) {
        Caller caller = of(environment);
        if (!caller.can(permission)) {
            throw new Forbidden(permission);
        }
        return caller;
    }

    private static Caller of(DataFetchingEnvironment environment) {
        Caller caller = environment.getGraphQlContext().get(KEY);
        if (caller == null) {
            throw new IllegalStateException("GraphQL executed without a caller");
        }
        return caller;
    }
}
