package io.pulse.serving.operations;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;

/**
 * What SREs see on the Operations page: the platform's Flink jobs and RabbitMQ event queues, read from
 * their own APIs at {@code readAt} (shared by every caller for a couple of seconds). Platform-wide: the
 * job and the queues serve every tenant, and nothing here names one.
 */
@Serdeable
public record OperationsView(Instant readAt, Source flink, Source rabbitmq, List<Job> jobs, List<Queue> queues) {

    /** Whether a source answered; {@code error} says why not (unreachable, not configured, ...). */
    @Serdeable
    public record Source(boolean available, @Nullable String error) {
        static Source ok() {
            return new Source(true, null);
        }
    }

    /**
     * A Flink job.
     *
     * @param uptimeMillis   time since the job's current run started; 0 when it is not running
     * @param restarts       restarts since it was submitted
     * @param lastCheckpoint the newest completed checkpoint; null before the first
     * @param failedCheckpoints checkpoints that failed since it was submitted
     */
    @Serdeable
    public record Job(String id, String name, String status, Instant startedAt, long uptimeMillis, long restarts,
                      @Nullable Checkpoint lastCheckpoint, long failedCheckpoints, List<Operator> operators) {
    }

    /**
     * @param ageMillis      time since it completed
     * @param durationMillis end-to-end duration
     * @param sizeBytes      the size of its state (incremental: what this checkpoint added)
     */
    @Serdeable
    public record Checkpoint(long id, Instant completedAt, long ageMillis, long durationMillis, long sizeBytes) {
    }

    /**
     * A job vertex (one or more chained operators), its subtasks taken together.
     *
     * @param backpressure       the busiest subtask's share of time back-pressured (0 to 1)
     * @param busy               the busiest subtask's share of time busy (0 to 1)
     * @param watermarkLagMillis how far its lowest input watermark trails {@code readAt}; null before the
     *                           first watermark (and for sources, which have no input watermark)
     */
    @Serdeable
    public record Operator(String id, String name, int parallelism, String status, double backpressure, double busy,
                           double recordsInPerSecond, double recordsOutPerSecond, @Nullable Long watermarkLagMillis) {
    }

    /**
     * An event queue.
     *
     * @param messages       ready plus unacknowledged (the job acknowledges at checkpoints)
     * @param publishRate    messages published a second, as RabbitMQ measured it
     * @param deliverRate    messages delivered to consumers a second
     */
    @Serdeable
    public record Queue(String name, long messages, long ready, long unacknowledged, double publishRate,
                        double deliverRate, int consumers) {
    }
}
