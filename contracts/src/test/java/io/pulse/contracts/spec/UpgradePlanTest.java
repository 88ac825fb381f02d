package io.pulse.contracts.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pulse.contracts.rollup.Granularity;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpgradePlanTest {

    private static final String V1 = """
            name: checkout
            version: 1
            windows: { tumbling: [10s, 1m] }
            aggregates: [count, sum, min, max, mean, quantiles, distinct]
            allowedLateness: 60s
            """;

    @Test
    void theDefaultRollupKeepsTheUidsItHadBeforeSpecs() {
        RollupSpec spec = RollupSpecs.defaultSpec();

        assertThat(OperatorUids.stateful(spec)).containsExactly(Map.entry("cardinality-guard", "cardinality-guard"),
                Map.entry("rollup-10s", "rollup-10s"), Map.entry("rollup-1m", "rollup-1m"),
                Map.entry("rollup-1h", "rollup-1h"), Map.entry("rollup-5m-every-10s", "rollup-5m-sliding"));
        assertThat(OperatorUids.plain(spec, "redis-publish")).isEqualTo("redis-publish");
    }

    @Test
    void otherRollupsAreNamespacedByName() {
        RollupSpec spec = RollupSpecs.validate(V1).orThrow();

        assertThat(OperatorUids.plain(spec, "table-1m")).isEqualTo("checkout/table-1m");
        assertThat(OperatorUids.stage(spec, Granularity.ONE_MINUTE)).isEqualTo("checkout/rollup-1m");
    }

    @Test
    void changingOnlyLatenessSourceOrCapRestoresEveryOperator() {
        String v2 = V1.replace("version: 1", "version: 2").replace("allowedLateness: 60s", """
                allowedLateness: 5m
                source: { tenants: [acme] }
                series: { maxSeriesPerMetric: 50 }""");
        UpgradePlan plan = UpgradePlan.between(spec(V1), spec(v2));

        assertThat(plan.fullyRestored()).isTrue();
        assertThat(plan.dropsState()).isFalse();
        assertThat(plan.fromVersion()).isEqualTo(1);
        assertThat(plan.toVersion()).isEqualTo(2);
    }

    @Test
    void addingAWindowStartsItEmptyAndKeepsTheOthers() {
        String v2 = V1.replace("tumbling: [10s, 1m]", "tumbling: [10s, 1m, 1h]");
        UpgradePlan plan = UpgradePlan.between(spec(V1), spec(v2));

        assertThat(plan.steps()).extracting(UpgradePlan.Step::operator, UpgradePlan.Step::fate).containsExactly(
                org.assertj.core.groups.Tuple.tuple("cardinality-guard", UpgradePlan.Fate.RESTORED),
                org.assertj.core.groups.Tuple.tuple("rollup-10s", UpgradePlan.Fate.RESTORED),
                org.assertj.core.groups.Tuple.tuple("rollup-1m", UpgradePlan.Fate.RESTORED),
                org.assertj.core.groups.Tuple.tuple("rollup-1h", UpgradePlan.Fate.STARTS_EMPTY));
        assertThat(plan.dropsState()).isFalse();
    }

    @Test
    void changingAggregatesGivesEveryWindowANewUidAndDropsTheOldState() {
        String v2 = V1.replace("quantiles, distinct]", "quantiles]");
        UpgradePlan plan = UpgradePlan.between(spec(V1), spec(v2));

        assertThat(plan.steps()).filteredOn(step -> step.operator().equals("rollup-1m"))
                .extracting(UpgradePlan.Step::fate)
                .containsExactly(UpgradePlan.Fate.STARTS_EMPTY, UpgradePlan.Fate.DROPPED);
        assertThat(plan.steps()).filteredOn(step -> step.operator().equals("cardinality-guard"))
                .extracting(UpgradePlan.Step::fate).containsExactly(UpgradePlan.Fate.RESTORED);
        assertThat(plan.dropsState()).isTrue();
        assertThat(OperatorUids.stage(spec(v2), Granularity.ONE_MINUTE)).matches("checkout/rollup-1m@[0-9a-f]{8}");
    }

    @Test
    void changingSeriesDimensionsResetsTheGuardToo() {
        String v2 = V1 + "series: { dimensions: [region] }\n";
        UpgradePlan plan = UpgradePlan.between(spec(V1), spec(v2));

        assertThat(plan.steps()).filteredOn(step -> step.fate() == UpgradePlan.Fate.STARTS_EMPTY)
                .extracting(UpgradePlan.Step::operator).containsExactly("cardinality-guard", "rollup-10s", "rollup-1m");
    }

    @Test
    void removingAWindowDropsItsState() {
        String v2 = V1.replace("tumbling: [10s, 1m]", "tumbling: [10s]");
        UpgradePlan plan = UpgradePlan.between(spec(V1), spec(v2));

        assertThat(plan.steps()).filteredOn(step -> step.fate() == UpgradePlan.Fate.DROPPED)
                .extracting(UpgradePlan.Step::fromUid).containsExactly("checkout/rollup-1m");
    }

    @Test
    void anUpgradeKeepsTheName() {
        assertThatThrownBy(() -> UpgradePlan.between(spec(V1), spec(V1.replace("checkout", "other"))))
                .hasMessageContaining("keeps the rollup's name");
    }

    @Test
    void theDiffListsChangedFieldsByPathButNotTheVersion() {
        String v2 = V1.replace("version: 1", "version: 2").replace("[10s, 1m]", "[10s, 1m, 1h]")
                + "description: now hourly too\n";
        var changes = SpecDiff.between(RollupSpecs.readTree(V1), RollupSpecs.readTree(v2));

        assertThat(changes).extracting(SpecDiff.Change::path).containsExactly("/description", "/windows/tumbling");
        assertThat(changes.get(0).before()).isNull();
        assertThat(changes.get(1).after().toString()).isEqualTo("[\"10s\",\"1m\",\"1h\"]");
    }

    private static RollupSpec spec(String text) {
        return RollupSpecs.validate(text).orThrow();
    }
}
