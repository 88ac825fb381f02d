package io.pulse.rollup.testing;

import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.rollup.window.RollupAggregateSerializer;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/** Keyed operator harnesses configured like the job (compact aggregate serializer). */
public final class Harnesses {

    private Harnesses() {
    }

    public static void registerSerializers(ExecutionConfig config) {
        config.registerTypeWithKryoSerializer(RollupAggregate.class, RollupAggregateSerializer.class);
    }

    public static <K, I, O> KeyedOneInputStreamOperatorTestHarness<K, I, O> keyed(
            KeyedProcessFunction<K, I, O> function, KeySelector<I, K> key, Class<K> keyType) throws Exception {
        return keyed(function, key, keyType, null);
    }

    /** Like {@link #keyed(KeyedProcessFunction, KeySelector, Class)}, restored from {@code snapshot} when given. */
    public static <K, I, O> KeyedOneInputStreamOperatorTestHarness<K, I, O> keyed(
            KeyedProcessFunction<K, I, O> function, KeySelector<I, K> key, Class<K> keyType,
            OperatorSubtaskState snapshot) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<K, I, O> harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(function), key, TypeInformation.of(keyType));
        registerSerializers(harness.getExecutionConfig());
        if (snapshot != null) {
            harness.initializeState(snapshot);
        }
        harness.open();
        return harness;
    }
}
