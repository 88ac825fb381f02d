package io.pulse.serving.query;

import io.pulse.serving.errors.ClientError;

/** A query the engine refuses (400), with a message safe to show the caller (it never echoes input). */
public class QueryException extends ClientError {

    private static final long serialVersionUID = 1L;

    public QueryException(String message) {
        super(400, message);
    }
}
