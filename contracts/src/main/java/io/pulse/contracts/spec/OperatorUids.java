package io.pulse.contracts.spec;

import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.text.Digests;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The uid of each operator of a rollup's job, which is how a savepoint's state finds its operator after
 * an upgrade. A uid is the rollup's name (none for {@code default}, whose uids predate specs) and the
 * operator; an operator whose state shape differs from the default rollup's also carries a fingerprint
 * of that shape, so a change of windows, aggregates or series dimensions gives it a new uid and it
 * starts empty instead of misreading old state.
 */
public final class OperatorUids {

    private OperatorUids() {
    }

    /**
     * An operator whose state does not depend on the spec: sources, dedupe, sinks, tenant lag, and the
     * pane combiners, which hand every buffered pane on before a checkpoint and so keep none.
     */
    public static String plain(RollupSpec spec, String operator) {
        return prefix(spec) + operator;
    }

    /** The cardinality guard: its state is the series seen per (tenant, metric). */
    public static String cardinalityGuard(RollupSpec spec) {
        return shaped(spec, "cardinality-guard", seriesShape(spec));
    }

    /** The stage computing {@code granularity}: open windows of partial aggregates per series. */
    public static String stage(RollupSpec spec, Granularity granularity) {
        String operator = switch (granularity) {
            case TEN_SECONDS -> "rollup-10s";
            case ONE_MINUTE -> "rollup-1m";
            case ONE_HOUR -> "rollup-1h";
            case SLIDING_FIVE_MINUTES -> "rollup-5m-sliding";
        };
        return shaped(spec, operator, seriesShape(spec) + aggregateShape(spec));
    }

    /** Every spec-dependent stateful operator's uid, by a name that is the same across versions. */
    public static Map<String, String> stateful(RollupSpec spec) {
        Map<String, String> uids = new LinkedHashMap<>();
        uids.put("cardinality-guard", cardinalityGuard(spec));
        for (Granularity granularity : stages(spec)) {
            uids.put("rollup-" + granularity.code(), stage(spec, granularity));
        }
        return uids;
    }

    /** The stages a spec's job runs: its windows, and always the 10 s panes every window is built from. */
    public static List<Granularity> stages(RollupSpec spec) {
        TreeSet<Granularity> stages = new TreeSet<>(spec.granularities());
        stages.add(Granularity.TEN_SECONDS);
        return List.copyOf(stages);
    }

    private static String shaped(RollupSpec spec, String operator, String shape) {
        RollupSpec reference = RollupSpecs.defaultSpec();
        String referenceShape = operator.startsWith("rollup-")
                ? seriesShape(reference) + aggregateShape(reference) : seriesShape(reference);
        String uid = prefix(spec) + operator;
        return shape.equals(referenceShape) ? uid : uid + "@" + Digests.sha256(shape).substring(0, 8);
    }

    private static String prefix(RollupSpec spec) {
        return spec.name().equals("default") ? "" : spec.name() + "/";
    }

    private static String seriesShape(RollupSpec spec) {
        return "series=" + Objects.toString(spec.series().dimensions(), "*") + ";distinct=" + spec.series().distinct() + ";";
    }

    private static String aggregateShape(RollupSpec spec) {
        return "aggregates=" + new TreeSet<>(spec.aggregates()) + ";accuracy=" + spec.relativeAccuracy() + ";lgK=" + spec.lgK() + ";";
    }
}
