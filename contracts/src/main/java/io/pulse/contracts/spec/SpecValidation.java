package io.pulse.contracts.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * What {@link RollupSpecs#validate} found: the spec, when it has no error, and every error otherwise.
 *
 * @param document the spec as read (null when unreadable), for storing and diffing
 */
public record SpecValidation(Optional<RollupSpec> spec, JsonNode document, List<SpecProblem> errors) {

    public boolean valid() {
        return errors.isEmpty();
    }

    /** The spec, or an exception listing every error. */
    public RollupSpec orThrow() {
        return spec.orElseThrow(() -> new InvalidSpecException(errors));
    }
}
