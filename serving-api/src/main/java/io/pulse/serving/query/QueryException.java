package io.pulse.serving.query;

/** A query the engine refuses, with a message safe to show the caller (it never echoes input). */
public class QueryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public QueryException(String message) {
        super(message);
    }
}
