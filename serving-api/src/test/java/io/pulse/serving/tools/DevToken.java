package io.pulse.serving.tools;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Prints a bearer token for a local serving-api, signed with {@code PULSE_JWT_SECRET} like the service
 * checks it: {@code --tenant} (bench), {@code --subject} (bench), {@code --roles} (admin, comma-separated),
 * {@code --hours} (12). For local runs
 * and benchmarks only; the security issue replaces these tokens with an OIDC provider's.
 */
public final class DevToken {

    private DevToken() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args);
        String secret = System.getenv("PULSE_JWT_SECRET");
        if (secret == null || secret.length() < 32) {
            throw new IllegalStateException("set PULSE_JWT_SECRET (at least 32 characters) as for the service");
        }
        System.out.println(token(secret, options.getOrDefault("tenant", BenchHistory.TENANT),
                options.getOrDefault("subject", "bench"), List.of(options.getOrDefault("roles", "admin").split(",")),
                Duration.ofHours(Long.parseLong(options.getOrDefault("hours", "12")))));
    }

    static String token(String secret, String tenant, String subject, List<String> roles, Duration lifetime)
            throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("pulse").audience("pulse-api").subject(subject)
                .claim("tenant", tenant).claim("roles", roles)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(lifetime))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }
}
