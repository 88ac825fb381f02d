package io.pulse.serving.errors;

/**
 * A request the service refuses because of what the caller sent, with the status to answer and a
 * message written by us (never the caller's input), which the error body shows as is.
 */
public class ClientError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public ClientError(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
