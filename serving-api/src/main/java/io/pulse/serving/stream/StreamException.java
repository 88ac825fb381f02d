package io.pulse.serving.stream;

/** A subscription refused, with the protocol's error code (docs/streaming.md). */
public class StreamException extends RuntimeException {

    private final String code;

    public StreamException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
