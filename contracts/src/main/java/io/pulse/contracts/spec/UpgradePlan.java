package io.pulse.contracts.spec;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What happens to each stateful operator's state when a running rollup moves from one spec version to
 * another through a savepoint: restored, started empty under a new uid, or left behind. Shown (and
 * confirmed) before anything is stopped.
 */
public record UpgradePlan(String rollup, int fromVersion, int toVersion, List<Step> steps) {

    public enum Fate {
        /** Same uid: the new version resumes from the savepoint's state. */
        RESTORED,
        /** New uid: starts empty, so its windows hold only events after the upgrade. */
        STARTS_EMPTY,
        /** Its state is in the savepoint but no operator of the new version takes it. */
        DROPPED
    }

    public record Step(String operator, String fromUid, String toUid, Fate fate) {
    }

    public static UpgradePlan between(RollupSpec from, RollupSpec to) {
        if (!from.name().equals(to.name())) {
            throw new IllegalArgumentException("an upgrade keeps the rollup's name: " + from.name() + " → " + to.name());
        }
        Map<String, String> before = OperatorUids.stateful(from);
        Map<String, String> after = OperatorUids.stateful(to);
        Set<String> operators = new LinkedHashSet<>(before.keySet());
        operators.addAll(after.keySet());
        List<Step> steps = new ArrayList<>();
        for (String operator : operators) {
            String fromUid = before.get(operator);
            String toUid = after.get(operator);
            Fate fate = toUid == null ? Fate.DROPPED
                    : toUid.equals(fromUid) ? Fate.RESTORED : Fate.STARTS_EMPTY;
            steps.add(new Step(operator, fromUid, toUid, fate));
            if (fate == Fate.STARTS_EMPTY && fromUid != null) {
                steps.add(new Step(operator, fromUid, null, Fate.DROPPED));
            }
        }
        return new UpgradePlan(from.name(), from.version(), to.version(), List.copyOf(steps));
    }

    /** Whether the savepoint holds state no operator takes; Flink refuses such a restore unless told to. */
    public boolean dropsState() {
        return steps.stream().anyMatch(step -> step.fate() == Fate.DROPPED);
    }

    /** Whether every operator resumes where it stopped. */
    public boolean fullyRestored() {
        return steps.stream().allMatch(step -> step.fate() == Fate.RESTORED);
    }
}
