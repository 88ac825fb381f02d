package io.pulse.serving.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jwt.JWT;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.jwt.validator.JwtAuthenticationFactory;
import io.micronaut.security.token.jwt.validator.ReactiveJsonWebTokenValidator;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Keeps the bearer tokens this process has verified, so a caller's next requests skip the RS256
 * signature check (the largest single cost of a cached answer). Only a token that passed every check
 * (signature, issuer, audience, not-before, expiry) is kept, keyed by its exact text, until its expiry by
 * the server's clock and at most {@code pulse.security.verified-token-seconds} (60 s), so a key withdrawn
 * from the provider's JWKS stops being honoured within that time. A refused token is checked again
 * each time.
 */
@Singleton
class VerifiedTokens implements BeanCreatedEventListener<ReactiveJsonWebTokenValidator<JWT, Object>> {

    private static final int MAX_TOKENS = 100_000;

    private final Provider<JwtAuthenticationFactory> authentications;
    private final Clock clock;
    private final Duration keepAtMost;

    VerifiedTokens(Provider<JwtAuthenticationFactory> authentications, Clock clock,
                   @Value("${pulse.security.verified-token-seconds:60}") long keepSeconds) {
        this.authentications = authentications;
        this.clock = clock;
        this.keepAtMost = Duration.ofSeconds(keepSeconds);
    }

    @Override
    public ReactiveJsonWebTokenValidator<JWT, Object> onCreated(BeanCreatedEvent<ReactiveJsonWebTokenValidator<JWT, Object>> event) {
        return new Kept(event.getBean());
    }

    /** A verified token: who it authenticates and until when. */
    private record Verified(Authentication authentication, Instant expires) { }

    /** The provider's validator, behind the tokens it has accepted. */
    private final class Kept implements ReactiveJsonWebTokenValidator<JWT, Object> {

        private final ReactiveJsonWebTokenValidator<JWT, Object> checks;
        private final Cache<String, Verified> verified = Caffeine.newBuilder()
                .maximumSize(MAX_TOKENS)
                .expireAfter(Expiry.creating((String token, Verified kept) -> {
                    Duration left = Duration.between(clock.instant(), kept.expires());
                    return left.compareTo(keepAtMost) < 0 ? left : keepAtMost;
                }))
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .build();

        Kept(ReactiveJsonWebTokenValidator<JWT, Object> checks) {
            this.checks = checks;
        }

        @Override
        public Publisher<Authentication> validateToken(String token, Object request) {
            Verified kept = verified.getIfPresent(token);
            if (kept != null) {
                return clock.instant().isBefore(kept.expires()) ? Mono.just(kept.authentication()) : Mono.empty();
            }
            return Mono.from(checks.validate(token, request)).flatMap(jwt -> {
                Instant expires = expiry(jwt);
                if (expires != null && !clock.instant().isBefore(expires)) {
                    return Mono.empty(); // expired by the server's clock, whatever the check's own clock said
                }
                return Mono.justOrEmpty(authentications.get().createAuthentication(jwt)).doOnNext(authentication -> {
                    if (expires != null) {
                        verified.put(token, new Verified(authentication, expires));
                    }
                });
            });
        }

        @Override
        public Publisher<JWT> validate(String token, Object request) {
            return checks.validate(token, request);
        }

        private static Instant expiry(JWT jwt) {
            try {
                Date expiration = jwt.getJWTClaimsSet().getExpirationTime();
                return expiration == null ? null : expiration.toInstant();
            } catch (ParseException e) {
                return null;
            }
        }
    }
}
