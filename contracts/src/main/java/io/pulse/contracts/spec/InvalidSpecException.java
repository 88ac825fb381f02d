package io.pulse.contracts.spec;

import java.util.List;
import java.util.stream.Collectors;

/** A spec that cannot run, with every reason. */
public class InvalidSpecException extends IllegalArgumentException {

    private final List<SpecProblem> problems;

    public InvalidSpecException(List<SpecProblem> problems) {
        super("invalid rollup spec: " + problems.stream().map(SpecProblem::toString).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<SpecProblem> problems() {
        return problems;
    }
}
