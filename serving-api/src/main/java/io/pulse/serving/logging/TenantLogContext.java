package io.pulse.serving.logging;

import io.micronaut.context.propagation.slf4j.MdcPropagationContext;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.propagation.MutablePropagatedContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.security.authentication.Authentication;
import io.pulse.serving.caller.Caller;
import io.pulse.serving.caller.CallerBinder;
import java.util.HashMap;
import java.util.Map;

/**
 * Puts the authenticated caller's tenant into the logging context ({@code tenant} in the MDC, so in every
 * JSON log line) for the rest of the request, wherever it runs: the MDC travels in Micronaut's propagated
 * context, so it follows the request from the event loop to the blocking pool and back. Only a valid tenant
 * name goes there; never a subject, a credential or a path.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class TenantLogContext implements Ordered {

    /** The MDC key, and the JSON field of each log line. */
    public static final String TENANT = "tenant";

    @RequestFilter
    public void tenant(HttpRequest<?> request, MutablePropagatedContext context) {
        request.getUserPrincipal(Authentication.class)
                .flatMap(CallerBinder::validCaller)
                .map(Caller::tenant)
                .ifPresent(tenant -> {
                    MdcPropagationContext current = context.getContext().find(MdcPropagationContext.class).orElse(null);
                    Map<String, String> mdc = current == null ? new HashMap<>() : new HashMap<>(current.state());
                    mdc.put(TENANT, tenant);
                    if (current == null) {
                        context.add(new MdcPropagationContext(mdc));
                    } else {
                        context.replace(current, new MdcPropagationContext(mdc));
                    }
                });
    }

    /**
     * Right after authentication (the caller is known), before the filters that run after it (rate limits,
     * the CSRF guard), so their lines carry the tenant too.
     */
    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.after() - 1;
    }
}
