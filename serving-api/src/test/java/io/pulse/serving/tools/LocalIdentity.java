package io.pulse.serving.tools;

import io.pulse.contracts.testing.IdentityProvider;
import java.util.List;
import java.util.Map;

/**
 * Runs the embedded OIDC provider for a local serving-api and benchmarks, until stopped: prints
 * {@code PULSE_OIDC_ISSUER=<issuer>} (start the service with it) and {@code PULSE_TOKEN=<access token>}
 * for {@code --tenant} (bench), {@code --subject} (bench), {@code --roles} (admin, comma-separated),
 * valid for an hour. Its login page offers the demo users; see docs/security.md.
 */
public final class LocalIdentity {

    private LocalIdentity() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> options = Options.parse(args);
        IdentityProvider provider = IdentityProvider.shared();
        System.out.println("PULSE_OIDC_ISSUER=" + provider.issuer());
        System.out.println("PULSE_TOKEN=" + provider.tokenWithClaims(options.getOrDefault("subject", "bench"),
                Map.of("tenant", options.getOrDefault("tenant", BenchHistory.TENANT),
                        "roles", List.of(options.getOrDefault("roles", "admin").split(",")))));
        System.out.flush();
        Thread.currentThread().join();
    }
}
