package io.pulse.serving.testing;

import io.pulse.contracts.testing.TestServices;
import java.util.HashMap;
import java.util.Map;

/**
 * Application properties for tests: a database and a Redis namespace of the test's own, the test Redis,
 * and a test-only JWT signing secret.
 */
public final class ServingProperties {

    public static final String JWT_SECRET = "a-test-only-secret-of-at-least-256-bits-0123456789";

    private ServingProperties() {
    }

    public static Map<String, Object> withSecret(Map<String, Object> more) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("micronaut.security.token.jwt.signatures.secret.generator.secret", JWT_SECRET);
        properties.put("redis.uri", TestServices.redisUri());
        properties.put("pulse.redis.namespace", TestServices.uniqueName("serving-it"));
        properties.putAll(more);
        return properties;
    }

    public static Map<String, Object> forDatabase(String url, Map<String, Object> more) {
        TestServices.Postgres postgres = TestServices.postgres();
        Map<String, Object> properties = new HashMap<>(more);
        properties.put("datasources.default.url", url);
        properties.put("datasources.default.username", postgres.user());
        properties.put("datasources.default.password", postgres.password());
        return withSecret(properties);
    }
}
