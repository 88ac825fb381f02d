package io.pulse.serving.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.security.token.validator.TokenValidator;
import io.pulse.contracts.testing.IdentityProvider;
import io.pulse.serving.testing.TestServer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tokens that are expired, for another audience or issuer, unsigned or tampered with are all refused. */
class BadTokensIT {

    private static TestServer server;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        server = TestServer.start("pulse_bad_tokens", Map.of());
        http = server.http();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JWTClaimsSet claims(UnaryOperator<JWTClaimsSet.Builder> change) {
        Instant now = Instant.now();
        return change.apply(new JWTClaimsSet.Builder().issuer(IdentityProvider.shared().issuer()).audience("pulse-api").subject("alice")
                .claim("tenant", "acme").claim("roles", List.of("viewer"))
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofHours(1))))).build();
    }

    private static String signed(JWTClaimsSet claims) {
        return IdentityProvider.shared().sign(claims);
    }

    @Test
    void aClientCredentialsTokenFromTheProviderIsAccepted() throws Exception {
        java.net.http.HttpResponse<String> grant = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(URI.create(IdentityProvider.shared().tokenEndpoint()))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                "grant_type=client_credentials&client_id=globex-ingest&client_secret=any&scope=pulse-api"))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        String token = new ObjectMapper().readTree(grant.body()).get("access_token").asText();
        String me = http.toBlocking().retrieve(HttpRequest.GET("/v2/session").bearerAuth(token));
        assertThat(me).contains("\"subject\":\"globex-ingest\"").contains("\"tenant\":\"globex\"")
                .contains("\"permissions\":[\"events:write\"]");
    }

    @Test
    void bearerTokensAreCheckedAsJwtsOnly() {
        // a UserInfo call would accept any token the provider knows, skipping issuer and audience
        assertThat(server.server().getApplicationContext().getBeanDefinitions(TokenValidator.class))
                .extracting(definition -> definition.getBeanType().getSimpleName())
                .doesNotContain("UserInfoClientTokenValidator").isNotEmpty();
    }

    private static int status(String token) {
        try {
            return http.toBlocking().exchange(HttpRequest.GET("/v2/dashboards").bearerAuth(token), String.class).code();
        } catch (HttpClientResponseException e) {
            return e.getStatus().getCode();
        }
    }

    @Test
    void onlyAValidTokenIsAccepted() throws Exception {
        assertThat(status(signed(claims(c -> c)))).as("control: a valid token").isEqualTo(200);

        Instant past = Instant.now().minus(Duration.ofHours(2));
        assertThat(status(signed(claims(c -> c.issueTime(Date.from(past)).expirationTime(Date.from(past.plusSeconds(60)))))))
                .as("expired").isEqualTo(401);
        // issue 10, fault 9: a token not valid before 2030 was accepted
        assertThat(status(signed(claims(c -> c.notBeforeTime(Date.from(Instant.parse("2030-01-01T00:00:00Z")))))))
                .as("not yet valid").isEqualTo(401);
        assertThat(status(signed(claims(c -> c.claim("tenant", List.of("acme", "globex"))))))
                .as("a list for a tenant: refused, not a server error").isEqualTo(403);
        assertThat(status(signed(claims(c -> c.audience("another-api"))))).as("wrong audience").isEqualTo(401);
        assertThat(status(IdentityProvider.shared().tokenFor("another-api", "alice",
                Map.of("tenant", "acme", "roles", List.of("viewer"))))).as("issued for another API").isEqualTo(401);
        assertThat(status(signed(claims(c -> c.issuer("https://evil.example"))))).as("wrong issuer").isEqualTo(401);
        assertThat(status(new PlainJWT(claims(c -> c)).serialize())).as("alg none").isEqualTo(401);

        RSAKey stranger = new RSAKeyGenerator(2048).keyID(IdentityProvider.ISSUER_ID).generate();
        SignedJWT foreign = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(stranger.getKeyID()).build(),
                claims(c -> c));
        foreign.sign(new RSASSASigner(stranger));
        assertThat(status(foreign.serialize())).as("signed by a key not in the provider's JWKS").isEqualTo(401);
        SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims(c -> c));
        hmac.sign(new MACSigner(new byte[32]));
        assertThat(status(hmac.serialize())).as("HMAC-signed").isEqualTo(401);

        String[] parts = signed(claims(c -> c)).split("\\.");
        String otherTenant = Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims(c -> c.claim("tenant", "globex")).toString().getBytes());
        assertThat(status(parts[0] + "." + otherTenant + "." + parts[2])).as("tampered payload").isEqualTo(401);
        // a character inside the signature (the last one also holds padding bits a decoder may ignore)
        char[] token = signed(claims(c -> c)).toCharArray();
        int inside = token.length - 10;
        token[inside] = token[inside] == 'A' ? 'B' : 'A';
        assertThat(status(new String(token))).as("tampered signature").isEqualTo(401);
    }
}
