package io.pulse.serving.errors;

import io.micronaut.serde.annotation.Serdeable;

/** The /v1 error body: {@code {"error": {"status": 400, "message": "..."}}}. */
@Serdeable
public record ApiError(Detail error) {

    @Serdeable
    public record Detail(int status, String message) { }
}
