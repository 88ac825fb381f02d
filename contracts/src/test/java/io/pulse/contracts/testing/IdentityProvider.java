package io.pulse.contracts.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;

/**
 * An embedded OpenID Connect provider (mock-oauth2-server) for tests and local runs, one per JVM on a
 * free port of 127.0.0.1: issuer {@code <base>/pulse}, JWKS, authorization code with PKCE, client
 * credentials and end-session. Its login page offers the demo users: every role in two tenants.
 * Access tokens carry audience {@link #AUDIENCE}, the {@code tenant} and {@code roles} claims.
 */
public final class IdentityProvider {

    public static final String ISSUER_ID = "pulse";
    public static final String AUDIENCE = "pulse-api";
    /** The dashboard's client (authorization code); any secret is accepted by this provider. */
    public static final String DASHBOARD_CLIENT = "pulse-dashboard";
    public static final List<String> TENANTS = List.of("acme", "globex");
    public static final List<String> ROLES = List.of("viewer", "analyst", "editor", "admin", "ops");

    private static IdentityProvider shared;

    private final RSAKey key;
    private final MockOAuth2Server server;

    private IdentityProvider() {
        try {
            key = new RSAKeyGenerator(2048).keyID(ISSUER_ID).algorithm(JWSAlgorithm.RS256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        server = new MockOAuth2Server(OAuth2Config.Companion.fromJson(config(loginPage(), key)));
        try {
            // by address: a looked-up 127.0.0.1 would be named "localhost" in the issuer
            server.start(InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1}), 0);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown));
    }

    public static synchronized IdentityProvider shared() {
        if (shared == null) {
            shared = new IdentityProvider();
        }
        return shared;
    }

    /** Stops the shared provider (its server threads would keep a tool's JVM alive). */
    public static synchronized void stopShared() {
        if (shared != null) {
            shared.server.shutdown();
            shared = null;
        }
    }

    public String issuer() {
        return server.issuerUrl(ISSUER_ID).toString();
    }

    public String tokenEndpoint() {
        return server.tokenEndpointUrl(ISSUER_ID).toString();
    }

    /** The demo users, {@code <role>@<tenant>}, with the claims their logins get. */
    public static Map<String, Map<String, Object>> demoUsers() {
        Map<String, Map<String, Object>> users = new LinkedHashMap<>();
        for (String tenant : TENANTS) {
            for (String role : ROLES) {
                users.put(role + "@" + tenant, Map.of("tenant", tenant, "roles", List.of(role)));
            }
        }
        return users;
    }

    /** A signed access token of {@code subject} in {@code tenant} with {@code roles}, valid for an hour. */
    public String token(String subject, String tenant, String... roles) {
        return server.issueToken(ISSUER_ID, subject, AUDIENCE, Map.of("tenant", tenant, "roles", List.of(roles)), 3600)
                .serialize();
    }

    /** A signed access token of {@code subject} with exactly {@code claims} besides the standard ones. */
    public String tokenWithClaims(String subject, Map<String, Object> claims) {
        return tokenFor(AUDIENCE, subject, claims);
    }

    /** A token the provider issues for another {@code audience} (another API of the same provider). */
    public String tokenFor(String audience, String subject, Map<String, Object> claims) {
        return server.issueToken(ISSUER_ID, subject, audience, claims, 3600).serialize();
    }

    /** {@code claims} exactly as given, signed with the provider's key: for tokens the provider would not issue. */
    public String sign(JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Properties pointing a serving-api at this provider. */
    public Map<String, Object> serverProperties() {
        return Map.of("micronaut.security.oauth2.clients.pulse.openid.issuer", issuer(),
                "micronaut.security.oauth2.clients.pulse.client-id", DASHBOARD_CLIENT,
                "micronaut.security.oauth2.clients.pulse.client-secret", "local-only",
                "micronaut.security.token.jwt.claims-validators.issuer", issuer());
    }

    /**
     * Interactive login shows our page; client credentials for {@code <tenant>-<role>} clients get that
     * tenant and role; every access token is for the API.
     */
    private static String config(Path loginPage, RSAKey key) {
        StringBuilder mappings = new StringBuilder();
        for (String tenant : TENANTS) {
            for (String role : List.of("viewer", "analyst", "editor", "admin", "ops", "ingest")) {
                mappings.append(String.format("{\"requestParam\":\"client_id\",\"match\":\"%s-%s\",\"claims\":"
                        + "{\"sub\":\"${client_id}\",\"aud\":[\"%s\"],\"tenant\":\"%s\",\"roles\":[\"%s\"]}},",
                        tenant, role, AUDIENCE, tenant, role));
            }
        }
        // a login's tokens are for the dashboard's client (the ID token's audience) and the API
        mappings.append(String.format("{\"requestParam\":\"grant_type\",\"match\":\"authorization_code\","
                + "\"claims\":{\"aud\":[\"%s\",\"%s\"],\"azp\":\"%1$s\"}}", DASHBOARD_CLIENT, AUDIENCE));
        String keys = key.toJSONString().replace("\"", "\\\"");
        return String.format("{\"interactiveLogin\":true,\"loginPagePath\":\"%s\",\"tokenProvider\":{\"keyProvider\":"
                + "{\"initialKeys\":\"%s\",\"algorithm\":\"RS256\"}},\"tokenCallbacks\":[{\"issuerId\":\"%s\","
                + "\"tokenExpiry\":3600,\"requestMappings\":[%s]}]}", loginPage, keys, ISSUER_ID, mappings);
    }

    /** One button per demo user; each posts the user's name and claims back to the authorize URL. */
    private static Path loginPage() {
        StringBuilder page = new StringBuilder("<!doctype html><html><head><title>Pulse demo login</title></head>"
                + "<body><h1>Pulse demo users</h1><p>Local identity provider: pick a user.</p>");
        demoUsers().forEach((user, claims) -> page.append(String.format("<form method=\"post\">"
                + "<input type=\"hidden\" name=\"username\" value=\"%s\">"
                + "<input type=\"hidden\" name=\"claims\" value='{\"tenant\":\"%s\",\"roles\":[\"%s\"]}'>"
                + "<button type=\"submit\">%s</button></form>", user, claims.get("tenant"),
                ((List<?>) claims.get("roles")).get(0), user)));
        page.append("</body></html>");
        try {
            Path file = Files.createTempFile("pulse-login", ".html");
            Files.writeString(file, page);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
