package io.pulse.serving.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.validator.TokenValidator;
import io.pulse.contracts.testing.IdentityProvider;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.testing.ServingProperties;
import io.pulse.serving.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * Verified bearer tokens are kept, so a caller's next request skips the signature check, but never past
 * the token's expiry by the server's clock nor longer than the configured bound, and refused ones never.
 */
class VerifiedTokensIT {

    private static final TestServices.Postgres POSTGRES = TestServices.postgres();
    private static final SettableClock CLOCK = new SettableClock(Instant.now());
    private static String url;
    private static ApplicationContext context;

    @BeforeAll
    static void start() {
        url = POSTGRES.createDatabase("pulse_verified_tokens");
        context = ApplicationContext.builder()
                .properties(ServingProperties.forDatabase(url, Map.of("pulse.security.verified-token-seconds", 60)))
                .singletons(CLOCK).start();
    }

    @AfterAll
    static void stop() {
        context.close();
        POSTGRES.dropDatabase(url);
    }

    @AfterEach
    void backToNow() {
        CLOCK.set(Instant.now());
    }

    private static String token(Instant expires) {
        return IdentityProvider.shared().sign(new JWTClaimsSet.Builder().issuer(IdentityProvider.shared().issuer())
                .audience(IdentityProvider.AUDIENCE).subject("alice").claim("tenant", "acme")
                .claim("roles", List.of("viewer")).issueTime(Date.from(Instant.now()))
                .expirationTime(Date.from(expires)).build());
    }

    /** What the server's bearer-token check answers for {@code token}: who, or null when refused. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Authentication authenticate(String token) {
        Collection<TokenValidator> validators = context.getBeansOfType(TokenValidator.class);
        return Flux.fromIterable(validators)
                .concatMap(validator -> (org.reactivestreams.Publisher<Authentication>)
                        validator.validateToken(token, HttpRequest.GET("/v2/session")))
                .next().block();
    }

    @Test
    void aVerifiedTokenIsKeptUntilItExpiresByTheServersClock() {
        Instant expires = Instant.now().plus(Duration.ofSeconds(50));
        String token = token(expires);
        Authentication first = authenticate(token);
        assertThat(first).isNotNull();
        assertThat(first.getName()).isEqualTo("alice");
        assertThat(authenticate(token)).as("kept: not checked again").isSameAs(first);

        CLOCK.set(expires.plusSeconds(1));
        assertThat(authenticate(token)).as("expired by the server's clock").isNull();
    }

    @Test
    void aVerifiedTokenIsCheckedAgainAfterTheBound() {
        String token = token(Instant.now().plus(Duration.ofHours(1)));
        Authentication first = authenticate(token);
        assertThat(authenticate(token)).isSameAs(first);

        CLOCK.set(CLOCK.instant().plus(Duration.ofSeconds(61)));
        Authentication again = authenticate(token);
        assertThat(again).as("checked again, still valid").isNotNull().isNotSameAs(first);
        assertThat(again.getName()).isEqualTo("alice");
    }

    @Test
    void aRefusedTokenIsRefusedEveryTime() {
        String token = token(Instant.now().plus(Duration.ofHours(1)));
        String tampered = token.substring(0, token.length() - 10) + (token.charAt(token.length() - 10) == 'A' ? 'B' : 'A')
                + token.substring(token.length() - 9);
        assertThat(authenticate(tampered)).isNull();
        assertThat(authenticate(tampered)).isNull();
        assertThat(authenticate(token)).as("control").isNotNull();
    }
}
