package io.pulse.contracts.spec;

/**
 * One reason a spec cannot run, at a JSON Pointer into the spec ({@code /windows/sliding/0}); the
 * empty path is the whole spec.
 */
public record SpecProblem(Kind kind, String path, String message) {

    public enum Kind {
        /** Not YAML or JSON at all. */
        UNREADABLE,
        /** Breaks the published JSON Schema (a missing field, a wrong type, an unknown key). */
        SCHEMA,
        UNKNOWN_AGGREGATE,
        /** A sliding window whose size is not a whole number of its slide. */
        SLIDING_NOT_MULTIPLE_OF_SLIDE,
        /** A window that is not a whole number of the job's 10 s panes. */
        NOT_MULTIPLE_OF_PANE,
        /** A window no rollup table stores. */
        UNSUPPORTED_WINDOW,
        RETENTION_SHORTER_THAN_WINDOW,
        RETENTION_OF_UNKNOWN_WINDOW,
        /** The distinct dimension listed among the series dimensions. */
        DISTINCT_IN_SERIES,
        /** Sketch settings other than the stored rows' (rows of every rollup must stay mergeable). */
        UNSUPPORTED_SKETCH_SETTING
    }

    @Override
    public String toString() {
        return (path.isEmpty() ? "(spec)" : path) + ": " + message;
    }
}
