package io.pulse.rollup.testing;

import io.pulse.rollup.RollupJob;
import io.pulse.rollup.RollupJobConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs the production job graph in a local MiniCluster in its own JVM, so a test can kill the whole
 * process. With {@code --restore-from <checkpoint>} it starts from that retained checkpoint.
 */
public final class JobProcess {

    private JobProcess() {
    }

    public static void main(String[] args) throws Exception {
        List<String> jobArgs = new ArrayList<>(Arrays.asList(args));
        Configuration conf = new Configuration();
        int restore = jobArgs.indexOf("--restore-from");
        if (restore >= 0) {
            conf.setString("execution.state-recovery.path", jobArgs.get(restore + 1));
            jobArgs.subList(restore, restore + 2).clear();
        }
        RollupJobConfig config = RollupJobConfig.fromArgs(jobArgs.toArray(new String[0]));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(config.parallelism(), conf);
        RollupJob job = new RollupJob(config);
        job.configure(env);
        job.build(env, job.rabbitMqSources(), job.productionSinks());
        env.execute("rollup-process");
    }
}
