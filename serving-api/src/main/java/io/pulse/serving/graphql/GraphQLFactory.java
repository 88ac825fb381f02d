package io.pulse.serving.graphql;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import graphql.GraphQL;
import graphql.analysis.FieldComplexityCalculator;
import graphql.analysis.MaxQueryComplexityInstrumentation;
import graphql.analysis.MaxQueryDepthInstrumentation;
import graphql.execution.instrumentation.ChainedInstrumentation;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.execution.preparsed.PreparsedDocumentProvider;
import graphql.schema.DataFetcher;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import io.micronaut.context.annotation.Factory;
import io.micronaut.core.io.ResourceResolver;
import io.micronaut.scheduling.TaskExecutors;
import io.pulse.serving.dashboards.Dashboard;
import io.pulse.serving.query.SeriesResult;
import io.pulse.serving.stream.LiveChange;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * The GraphQL schema ({@code graphql/schema.graphqls}) wired to one fetcher bean per root field, with
 * depth and complexity limits. Fetchers that query the database run on the blocking pool, never on a
 * network event loop.
 */
@Factory
public class GraphQLFactory {

    /** Cost of a root field that runs a database query, against {@link GraphQLSettings#maxComplexity()}. */
    static final int QUERY_FIELD_COST = 10;
    /** Parsed and validated documents kept (dashboards send the same few operations over and over). */
    private static final int KEPT_DOCUMENTS = 1000;
    private static final Set<String> ROOT_TYPES = Set.of("Query", "Subscription");

    @Singleton
    GraphQL graphQL(ResourceResolver resources, GraphQLSettings settings,
                    @Named(TaskExecutors.BLOCKING) ExecutorService blocking,
                    MetricsFetcher metrics, SeriesFetcher series, CorrelationFetcher correlation,
                    DashboardsFetcher dashboards, DashboardFetcher dashboard, LiveSeriesFetcher liveSeries) {
        RuntimeWiring wiring = RuntimeWiring.newRuntimeWiring()
                .type("Query", type -> type
                        .dataFetcher("metrics", offload(metrics, blocking))
                        .dataFetcher("series", offload(series, blocking))
                        .dataFetcher("correlation", offload(correlation, blocking))
                        .dataFetcher("dashboards", offload(dashboards, blocking))
                        .dataFetcher("dashboard", offload(dashboard, blocking)))
                .type("Subscription", type -> type.dataFetcher("liveSeries", liveSeries))
                .type("Group", type -> type.dataFetcher("group",
                        env -> Fields.pairs(((SeriesResult.Series) env.getSource()).group(), "dimension")))
                .type("LivePoint", type -> type.dataFetcher("group",
                        env -> Fields.pairs(((LiveChange) env.getSource()).group(), "dimension")))
                .type("Dashboard", type -> type.dataFetcher("id",
                        env -> ((Dashboard) env.getSource()).id().toString()))
                .type("Widget", type -> type.dataFetcher("query",
                        env -> Fields.pairs(((Dashboard.Widget) env.getSource()).query(), "name")))
                .build();
        GraphQLSchema schema = new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(schema(resources)),
                wiring);
        FieldComplexityCalculator cost = (env, children) ->
                (ROOT_TYPES.contains(env.getParentType().getName()) ? QUERY_FIELD_COST : 1) + children;
        return GraphQL.newGraphQL(schema)
                .instrumentation(new ChainedInstrumentation(List.of(
                        new MaxQueryDepthInstrumentation(settings.maxDepth()),
                        new MaxQueryComplexityInstrumentation(settings.maxComplexity(), cost))))
                .defaultDataFetcherExceptionHandler(new GraphQLErrors())
                .preparsedDocumentProvider(keptDocuments())
                .build();
    }

    /**
     * Parsing and validating an operation's text cost about as much as running it from the cache; the
     * result depends on the text alone (the schema is fixed), so it is kept by text. The depth and
     * complexity limits apply at execution, to kept documents too.
     */
    private static PreparsedDocumentProvider keptDocuments() {
        Cache<String, PreparsedDocumentEntry> kept = Caffeine.newBuilder().maximumSize(KEPT_DOCUMENTS).build();
        return (input, parseAndValidate) -> CompletableFuture.completedFuture(
                kept.get(input.getQuery(), query -> parseAndValidate.apply(input)));
    }

    private static <T> DataFetcher<CompletableFuture<T>> offload(DataFetcher<T> fetcher, ExecutorService blocking) {
        return env -> CompletableFuture.supplyAsync(() -> {
            try {
                return fetcher.get(env);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, blocking);
    }

    private static Reader schema(ResourceResolver resources) {
        InputStream in = resources.getResourceAsStream("classpath:graphql/schema.graphqls")
                .orElseThrow(() -> new UncheckedIOException(new IOException("graphql/schema.graphqls is missing")));
        return new InputStreamReader(in, StandardCharsets.UTF_8);
    }
}
