package io.pulse.serving.jobs;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Positive;
import java.util.List;

/**
 * Where the jobs API deploys rollups ({@code pulse.jobs.*}); the Flink cluster is the one the Operations
 * view reads ({@code pulse.operations.flink-url}). Without a jar, specs can be validated and stored but
 * not deployed, and the API says so.
 *
 * @param jar            the rollup job's shaded jar, uploaded to the cluster at each deployment
 * @param savepointDir   where upgrades and stops write savepoints (a URI the cluster can write: file://, s3://)
 * @param jobArguments   the job's arguments for this platform (broker, database, Redis, checkpoints), before
 *                       {@code --spec}; credentials belong in the cluster's environment (PULSE_AMQP_URI,
 *                       PULSE_JDBC_PASSWORD), not here
 * @param timeoutMillis  how long a savepoint may take
 */
@ConfigurationProperties("pulse.jobs")
public record JobsSettings(@Nullable String jar, @Nullable String savepointDir,
                           @Bindable(defaultValue = "") List<String> jobArguments,
                           @Bindable(defaultValue = "300000") @Positive long timeoutMillis) {
}
