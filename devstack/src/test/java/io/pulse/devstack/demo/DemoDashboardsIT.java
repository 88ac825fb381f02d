package io.pulse.devstack.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pulse.contracts.testing.IdentityProvider;
import io.pulse.contracts.testing.TestServices;
import io.pulse.devstack.testing.PulseApi;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo dashboards against a real serving-api (the test PostgreSQL, Redis and RabbitMQ): accepted, and made once. */
class DemoDashboardsIT {

    private static final IdentityProvider IDENTITY = IdentityProvider.shared();
    private static String database;
    private static EmbeddedServer api;

    @BeforeAll
    static void start() {
        database = TestServices.postgres().createDatabase("pulse_demo_dashboards");
        Map<String, Object> properties = new HashMap<>(IDENTITY.serverProperties());
        properties.put("micronaut.server.port", -1);
        properties.put("datasources.default.url", database);
        properties.put("datasources.default.username", TestServices.postgres().user());
        properties.put("datasources.default.password", TestServices.postgres().password());
        properties.put("redis.uri", TestServices.redisUri());
        properties.put("pulse.redis.namespace", TestServices.uniqueName("demo-dashboards"));
        properties.put("pulse.amqp.uri", TestServices.amqpUri());
        api = ApplicationContext.run(EmbeddedServer.class, properties);
    }

    @AfterAll
    static void stop() {
        api.close();
        TestServices.postgres().dropDatabase(database);
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachTenantGetsOneDemoDashboardHoweverOftenTheDevstackStarts() throws Exception {
        DemoDashboards demo = new DemoDashboards(api.getURL().toString(), tenant -> IDENTITY.token("devstack", tenant, "editor"));
        assertThat(demo.provision(IdentityProvider.TENANTS)).isEqualTo(IdentityProvider.TENANTS);
        assertThat(demo.provision(IdentityProvider.TENANTS)).isEmpty(); // the next start

        for (String tenant : IdentityProvider.TENANTS) {
            PulseApi viewer = new PulseApi(api.getURL().toString(), IDENTITY.token("v", tenant, "viewer"));
            List<Map<String, Object>> dashboards = (List<Map<String, Object>>) viewer.get("/v2/dashboards").get("items");
            assertThat(dashboards).singleElement().satisfies(dashboard -> {
                assertThat(dashboard).containsEntry("name", DemoDashboards.NAME);
                assertThat((List<?>) dashboard.get("widgets")).hasSize(4);
            });
        }
    }
}
