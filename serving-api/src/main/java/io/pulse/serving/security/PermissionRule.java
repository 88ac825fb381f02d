package io.pulse.serving.security;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecuredAnnotationRule;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.security.rules.SecurityRuleResult;
import io.micronaut.web.router.RouteAttributes;
import io.pulse.serving.caller.CallerBinder;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Allows a route carrying {@link RequiresPermission} only to a caller whose roles (or API key) grant that permission
 * (anonymous callers get 401, others 403). Runs before {@code @Secured}, so a route's permission is
 * the deciding rule; routes without one are left to the other rules.
 */
@Singleton
public class PermissionRule implements SecurityRule<HttpRequest<?>> {

    public static final int ORDER = SecuredAnnotationRule.ORDER - 100;

    @Override
    public Publisher<SecurityRuleResult> check(@Nullable HttpRequest<?> request, @Nullable Authentication authentication) {
        Optional<Permission> required = request == null ? Optional.empty()
                : RouteAttributes.getRouteMatch(request)
                        .flatMap(route -> route.getAnnotationMetadata().enumValue(RequiresPermission.class, Permission.class));
        if (required.isEmpty()) {
            return Mono.just(SecurityRuleResult.UNKNOWN);
        }
        boolean granted = authentication != null
                && CallerBinder.permissionsOf(authentication).contains(required.get());
        return Mono.just(granted ? SecurityRuleResult.ALLOWED : SecurityRuleResult.REJECTED);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
