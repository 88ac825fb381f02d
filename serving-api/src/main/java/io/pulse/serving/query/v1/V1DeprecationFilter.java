package io.pulse.serving.query.v1;

import io.micronaut.context.annotation.Value;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Marks every /v1 response deprecated (RFC 9745 {@code Deprecation}, RFC 8594 {@code Sunset}) and links
 * the successor. Dates come from {@code pulse.api.v1.deprecated} and {@code pulse.api.v1.sunset}.
 */
@ServerFilter("/v1/**")
public class V1DeprecationFilter {

    private final String deprecation;
    private final String sunset;

    public V1DeprecationFilter(@Value("${pulse.api.v1.deprecated}") String deprecated,
                               @Value("${pulse.api.v1.sunset}") String sunset) {
        this.deprecation = "@" + Instant.parse(deprecated).getEpochSecond();
        this.sunset = DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.parse(sunset).atZone(ZoneOffset.UTC));
    }

    @ResponseFilter
    public void mark(MutableHttpResponse<?> response) {
        response.header("Deprecation", deprecation);
        response.header("Sunset", sunset);
        response.header("Link", "</v2/>; rel=\"successor-version\"");
    }
}
