package io.pulse.serving.cache;

import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A cached answer as one process holds it: the decoded value, shared by every request that reads it (so
 * it must not be modified), and its JSON renderings, each made once: a cache hit then costs neither a
 * decode nor an encode.
 */
public final class Answer<T> {

    private final T value;
    private final ObjectMapper json;
    private final Map<String, byte[]> renderings = new ConcurrentHashMap<>();

    Answer(T value, ObjectMapper json) {
        this.value = value;
        this.json = json;
    }

    public T value() {
        return value;
    }

    /** The JSON of {@code shape} applied to the value; {@code view} names the shape (one rendering per view). */
    public byte[] json(String view, Function<T, ?> shape) {
        return renderings.computeIfAbsent(view, v -> {
            try {
                return json.writeValueAsBytes(shape.apply(value));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
