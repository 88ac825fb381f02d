package io.pulse.serving.testing;

import io.pulse.contracts.testing.IdentityProvider;
import io.pulse.contracts.testing.TestServices;
import java.util.HashMap;
import java.util.Map;

/**
 * Application properties for tests: a database and a Redis namespace of the test's own, the test Redis,
 * and the embedded identity provider.
 */
public final class ServingProperties {

    private ServingProperties() {
    }

    public static Map<String, Object> withIdentity(Map<String, Object> more) {
        Map<String, Object> properties = new HashMap<>(IdentityProvider.shared().serverProperties());
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
        return withIdentity(properties);
    }
}
