package io.pulse.serving.caller;

/**
 * Who is calling: the tenant every read and write is scoped to, taken from the verified credential and
 * never from a request parameter or body. Controllers declare it as a parameter.
 */
public record Caller(String tenant, String subject) {
}
