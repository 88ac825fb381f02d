package io.pulse.serving.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pulse.contracts.testing.IdentityProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The Keycloak realm export for docker-compose offers what the embedded provider does: the roles of the
 * code, the same demo users with their tenant and role, and a dashboard client with PKCE whose tokens
 * carry the tenant, the roles and the API audience.
 */
class KeycloakRealmTest {

    private static final JsonNode REALM = read();

    private static JsonNode read() {
        try {
            return new ObjectMapper().readTree(Path.of("..", "deploy", "keycloak", "pulse-realm.json").toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> texts(JsonNode array, String field) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(node -> field == null ? node.asText() : node.get(field).asText()).toList();
    }

    @Test
    void theRealmRolesAreTheCodesRoles() {
        assertThat(texts(REALM.at("/roles/realm"), "name"))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(Role.values()).map(Role::code).toList());
    }

    @Test
    void everyDemoUserIsThereWithItsTenantAndRole() {
        List<String> wrong = new ArrayList<>();
        IdentityProvider.demoUsers().forEach((name, claims) -> {
            JsonNode user = StreamSupport.stream(REALM.get("users").spliterator(), false)
                    .filter(u -> u.get("username").asText().equals(name)).findFirst().orElse(null);
            if (user == null || !texts(user.at("/attributes/tenant"), null).equals(List.of(claims.get("tenant")))
                    || !texts(user.get("realmRoles"), null).equals(claims.get("roles"))) {
                wrong.add(name);
            }
        });
        assertThat(wrong).isEmpty();
    }

    @Test
    void theDashboardClientUsesPkceAndItsTokensCarryTenantRolesAndAudience() {
        JsonNode client = StreamSupport.stream(REALM.get("clients").spliterator(), false)
                .filter(c -> c.get("clientId").asText().equals(IdentityProvider.DASHBOARD_CLIENT)).findFirst().orElseThrow();
        assertThat(client.at("/attributes/pkce.code.challenge.method").asText()).isEqualTo("S256");
        assertThat(texts(client.get("redirectUris"), null)).allMatch(uri -> uri.endsWith("/oauth/callback/pulse"));
        Map<String, String> claims = new java.util.HashMap<>();
        client.get("protocolMappers").forEach(mapper -> claims.put(mapper.get("name").asText(),
                mapper.at("/config/claim.name").asText(mapper.at("/config/included.custom.audience").asText())));
        assertThat(claims).containsEntry("tenant", "tenant").containsEntry("roles", "roles")
                .containsValue(IdentityProvider.AUDIENCE);
    }
}
