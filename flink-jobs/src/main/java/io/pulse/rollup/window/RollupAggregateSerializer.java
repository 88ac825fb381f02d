package io.pulse.rollup.window;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.pulse.contracts.rollup.RollupAggregate;
import java.io.Serializable;

/**
 * Writes aggregates in their compact binary form (exact fields plus the sketches' own encodings) in
 * state, checkpoints and on the wire, instead of letting Kryo walk the sketches' object graphs.
 * Registered for {@link RollupAggregate} by {@code RollupJob.configure}.
 */
public final class RollupAggregateSerializer extends Serializer<RollupAggregate> implements Serializable {

    private static final long serialVersionUID = 1L;

    @Override
    public void write(Kryo kryo, Output output, RollupAggregate aggregate) {
        byte[] bytes = aggregate.toBytes();
        output.writeInt(bytes.length, true);
        output.writeBytes(bytes);
    }

    @Override
    public RollupAggregate read(Kryo kryo, Input input, Class<RollupAggregate> type) {
        return RollupAggregate.fromBytes(input.readBytes(input.readInt(true)));
    }

    @Override
    public RollupAggregate copy(Kryo kryo, RollupAggregate original) {
        return original.copy();
    }
}
