package io.pulse.serving.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretMaskingTest {

    private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl-_x";

    @Test
    void masksCredentialsWhereverTheyStand() {
        assertThat(SecretMasking.mask("Authorization: Bearer abc.def-ghi")).doesNotContain("abc.def-ghi");
        assertThat(SecretMasking.mask("sent " + JWT + " to the validator")).isEqualTo("sent **** to the validator");
        assertThat(SecretMasking.mask("{\"Authorization\":\"Bearer " + JWT + "\"}")).doesNotContain(JWT).doesNotContain("eyJ");
        assertThat(SecretMasking.mask("Basic dXNlcjpzZWNyZXQ=")).isEqualTo("Basic ****");
        assertThat(SecretMasking.mask("X-API-Key: pulse_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd"))
                .doesNotContain("AbCdEfGhIjKlMnOpQrStUvWxYz0123456789");
        assertThat(SecretMasking.mask("key pulse_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd revoked"))
                .isEqualTo("key pulse_**** revoked");
        assertThat(SecretMasking.mask("Cookie: PULSE_SESSION=s3cr3t; other=1")).isEqualTo("Cookie: ****");
        assertThat(SecretMasking.mask("PULSE_SESSION=s3cr3t")).isEqualTo("PULSE_SESSION=****");
        assertThat(SecretMasking.mask("cookie value: czNjcjN0")).isEqualTo("cookie value: ****");
        assertThat(SecretMasking.mask("path /v2/session, cookie value czNjcjN0")).isEqualTo("path /v2/session, cookie value ****");
        assertThat(SecretMasking.mask("path /v2/session, session id: 9e878d42-024e")).isEqualTo("path /v2/session, session id: ****");
        assertThat(SecretMasking.mask("sessionId=abc")).isEqualTo("sessionId=****");
        assertThat(SecretMasking.mask("X-CSRF-TOKEN: abc123")).isEqualTo("X-CSRF-TOKEN: ****");
        assertThat(SecretMasking.mask("password=hunter2&user=x")).isEqualTo("password=****&user=x");
        assertThat(SecretMasking.mask("{\"client_secret\":\"hunter2\"}")).isEqualTo("{\"client_secret\":\"****\"}");
        assertThat(SecretMasking.mask("client-secret: hunter2")).isEqualTo("client-secret: ****");
        assertThat(SecretMasking.mask("Settings[rabbitmqUser=ops, rabbitmqPassword=hunter2, vhost=/]"))
                .isEqualTo("Settings[rabbitmqUser=ops, rabbitmqPassword=****, vhost=/]");
        assertThat(SecretMasking.mask("{\"csrfToken\":\"abc\"}")).isEqualTo("{\"csrfToken\":\"****\"}");
        assertThat(SecretMasking.mask("GET /oauth/callback/pulse?state=s&code=abc-123")).isEqualTo("GET /oauth/callback/pulse?state=s&code=****");
        assertThat(SecretMasking.mask("amqp://pulse:hunter2@rabbitmq:5672")).isEqualTo("amqp://pulse:****@rabbitmq:5672");
        assertThat(SecretMasking.mask("redis://:hunter2@redis:6379/0")).isEqualTo("redis://:****@redis:6379/0");
        assertThat(SecretMasking.mask("jdbc:postgresql://postgres:hunter2@db/pulse")).isEqualTo("jdbc:postgresql://postgres:****@db/pulse");
    }

    @Test
    void leavesOrdinaryTextAloneAsTheSameString() {
        for (String text : new String[] {"", "partition upkeep: 3 partitions", "GET /v2/metrics 200",
                "http://127.0.0.1:8080/health", "redis://redis:6379", "cookie-name: PULSE_SESSION", "tokenEndpoint=x",
                "api key pulse_AbCdEf shown by its prefix", "{\"code\":\"bad_request\"}", "secret_hash, permissions"}) {
            assertThat(SecretMasking.mask(text)).as(text).isSameAs(text);
        }
        assertThat(SecretMasking.mask(null)).isNull();
    }
}
