package io.pulse.serving.security;

import io.pulse.serving.errors.ClientError;

/** A caller whose roles lack the permission an operation needs (403). */
public class Forbidden extends ClientError {

    private static final long serialVersionUID = 1L;

    public Forbidden(Permission missing) {
        super(403, "the caller's roles do not grant " + missing.code());
    }
}
