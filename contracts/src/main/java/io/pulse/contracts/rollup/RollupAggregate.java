package io.pulse.contracts.rollup;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * The full, mergeable state of one window: exact count, sum, min and max; a DDSketch for quantiles
 * (relative error {@value #RELATIVE_ACCURACY}) and a HyperLogLog sketch for the distinct count of one
 * dimension. Merging two aggregates gives the aggregate of the union of their inputs, which is how
 * coarser windows and group-bys are built from stored rows.
 */
public final class RollupAggregate {

    public static final double RELATIVE_ACCURACY = 0.01;
    /** Bounds sketch memory; 2048 bins at 1% span 36 orders of magnitude, so collapsing is not expected. */
    public static final int MAX_BINS = 2048;
    /** HLL precision: 2^12 registers, about 1.6% standard error. */
    public static final int HLL_LG_K = 12;

    private static final byte FORMAT = 1;
    private static final LogarithmicMapping MAPPING = new LogarithmicMapping(RELATIVE_ACCURACY);

    private long count;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private final DDSketch quantiles;
    private HllSketch distinct;

    public RollupAggregate() {
        this(newQuantileSketch(), null);
    }

    private RollupAggregate(DDSketch quantiles, HllSketch distinct) {
        this.quantiles = quantiles;
        this.distinct = distinct;
    }

    private static DDSketch newQuantileSketch() {
        return new DDSketch(MAPPING, () -> new CollapsingLowestDenseStore(MAX_BINS));
    }

    /** Adds one value; {@code distinctValue} may be null when the event lacks the distinct dimension. */
    public void add(double value, String distinctValue) {
        addWithoutQuantile(value, distinctValue);
        quantiles.accept(value);
    }

    /**
     * Adds one value to the exact fields and the distinct sketch but not the quantile sketch: for rollups
     * whose spec leaves quantiles out, where the sketch is the costliest part of an update.
     */
    public void addWithoutQuantile(double value, String distinctValue) {
        count++;
        sum += value;
        min = Math.min(min, value);
        max = Math.max(max, value);
        if (distinctValue != null) {
            if (distinct == null) {
                distinct = new HllSketch(HLL_LG_K, TgtHllType.HLL_8);
            }
            distinct.update(distinctValue);
        }
    }

    /** Folds {@code other} into this aggregate; {@code other} is left unchanged. */
    public void merge(RollupAggregate other) {
        count += other.count;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        quantiles.mergeWith(other.quantiles);
        if (other.distinct != null) {
            if (distinct == null) {
                distinct = other.distinct.copy();
            } else {
                Union union = new Union(HLL_LG_K);
                union.update(distinct);
                union.update(other.distinct);
                distinct = union.getResult(TgtHllType.HLL_8);
            }
        }
    }

    /**
     * Merges many aggregates into a new one with a single HyperLogLog union, which is far cheaper
     * than merging them pairwise (as sliding windows over 30 panes do).
     */
    public static RollupAggregate mergeAll(Iterable<RollupAggregate> parts) {
        RollupAggregate result = new RollupAggregate();
        Union union = null;
        for (RollupAggregate part : parts) {
            result.count += part.count;
            result.sum += part.sum;
            result.min = Math.min(result.min, part.min);
            result.max = Math.max(result.max, part.max);
            result.quantiles.mergeWith(part.quantiles);
            if (part.distinct != null) {
                if (union == null) {
                    union = new Union(HLL_LG_K);
                }
                union.update(part.distinct);
            }
        }
        result.distinct = union == null ? null : union.getResult(TgtHllType.HLL_8);
        return result;
    }

    public RollupAggregate copy() {
        RollupAggregate copy = new RollupAggregate(quantiles.copy(), distinct == null ? null : distinct.copy());
        copy.count = count;
        copy.sum = sum;
        copy.min = min;
        copy.max = max;
        return copy;
    }

    public long count() {
        return count;
    }

    public double sum() {
        return sum;
    }

    public double min() {
        return count == 0 ? Double.NaN : min;
    }

    public double max() {
        return count == 0 ? Double.NaN : max;
    }

    public double mean() {
        return count == 0 ? Double.NaN : sum / count;
    }

    /**
     * Value at quantile {@code q} (0..1), within {@link #RELATIVE_ACCURACY} of the exact rank's value, and
     * never outside the exact min and max: the sketch answers a bucket's midpoint, which for data all of
     * one value (1.0) would be 1.01, above every value seen. NaN when the rollup keeps no quantiles.
     */
    public double quantile(double q) {
        return count == 0 || quantiles.isEmpty() ? Double.NaN
                : Math.max(min, Math.min(max, quantiles.getValueAtQuantile(q)));
    }

    /** Estimated number of distinct values of the distinct dimension; 0 when none was seen. */
    public double distinct() {
        return distinct == null ? 0 : distinct.getEstimate();
    }

    /** Upper bound of the distinct estimate at {@code standardDeviations} (1, 2 or 3). */
    public double distinctUpperBound(int standardDeviations) {
        return distinct == null ? 0 : distinct.getUpperBound(standardDeviations);
    }

    public double distinctLowerBound(int standardDeviations) {
        return distinct == null ? 0 : distinct.getLowerBound(standardDeviations);
    }

    /** Serialized quantile sketch (DDSketch's own binary encoding, index mapping included), as stored. */
    public byte[] quantileSketchBytes() {
        try {
            GrowingByteArrayOutput output = GrowingByteArrayOutput.withInitialCapacity(256);
            quantiles.encode(output, false);
            return output.trimmedCopy();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Serialized HyperLogLog sketch (Apache DataSketches compact form), or null when empty. */
    public byte[] distinctSketchBytes() {
        return distinct == null ? null : distinct.toCompactByteArray();
    }

    /** Rebuilds an aggregate from its stored columns. */
    public static RollupAggregate fromStored(long count, double sum, double min, double max,
                                             byte[] quantileSketch, byte[] distinctSketch) {
        try {
            DDSketch quantiles = DDSketch.decode(ByteArrayInput.wrap(quantileSketch),
                    () -> new CollapsingLowestDenseStore(MAX_BINS), MAPPING);
            HllSketch distinct = distinctSketch == null ? null
                    : HllSketch.heapify(distinctSketch).copyAs(TgtHllType.HLL_8);
            RollupAggregate aggregate = new RollupAggregate(quantiles, distinct);
            aggregate.count = count;
            aggregate.sum = sum;
            aggregate.min = count == 0 ? Double.POSITIVE_INFINITY : min;
            aggregate.max = count == 0 ? Double.NEGATIVE_INFINITY : max;
            return aggregate;
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt quantile sketch", e);
        }
    }

    /** Compact binary form for state and transport: format byte, exact fields, then both sketches. */
    public byte[] toBytes() {
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(buffer);
            out.writeByte(FORMAT);
            out.writeLong(count);
            out.writeDouble(sum);
            out.writeDouble(min);
            out.writeDouble(max);
            writeBytes(out, quantileSketchBytes());
            writeBytes(out, distinctSketchBytes());
            return buffer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RollupAggregate fromBytes(byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalArgumentException("unknown aggregate format " + format);
            }
            long count = in.readLong();
            double sum = in.readDouble();
            double min = in.readDouble();
            double max = in.readDouble();
            byte[] quantileSketch = readBytes(in);
            byte[] distinctSketch = readBytes(in);
            return fromStored(count, sum, min, max, quantileSketch, distinctSketch);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt aggregate", e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        if (bytes == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    /**
     * Merges stored rows into one aggregate, decoding each row's sketches straight into the result
     * rather than into a sketch of its own: the read path of queries over many rows. A row may leave out
     * (null) a sketch the reader does not need.
     */
    public static final class Merger {
        private final RollupAggregate result = new RollupAggregate();
        private Union union;
        private long rows;

        public void add(long count, double sum, double min, double max, byte[] quantileSketch, byte[] distinctSketch) {
            rows++;
            result.count += count;
            result.sum += sum;
            if (count > 0) {
                result.min = Math.min(result.min, min);
                result.max = Math.max(result.max, max);
            }
            try {
                if (quantileSketch != null) {
                    result.quantiles.decodeAndMergeWith(ByteArrayInput.wrap(quantileSketch));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("corrupt quantile sketch", e);
            }
            if (distinctSketch != null) {
                if (union == null) {
                    union = new Union(HLL_LG_K);
                }
                union.update(HllSketch.heapify(distinctSketch));
            }
        }

        /** Whether no row was added. */
        public boolean isEmpty() {
            return rows == 0;
        }

        public RollupAggregate result() {
            if (union != null) {
                result.distinct = union.getResult(TgtHllType.HLL_8);
                union = null;
            }
            return result;
        }
    }
}
