package io.pulse.serving.errors;

import io.micronaut.serde.annotation.Serdeable;

/** An RFC 7807 problem, the body of every /v2 error ({@code application/problem+json}). */
@Serdeable
public record Problem(String type, String title, int status, String detail) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
