package io.pulse.serving.operations;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Positive;

/**
 * Where the Operations view reads from ({@code pulse.operations.*}): Flink's REST API (the web UI's
 * address) and RabbitMQ's management API; either may be absent, and the view then says so.
 *
 * @param flinkUrl            e.g. {@code http://flink-jobmanager:8081}
 * @param rabbitmqUrl         e.g. {@code http://rabbitmq:15672}
 * @param rabbitmqUser        the management API's user (the monitoring tag is enough)
 * @param rabbitmqPassword    its password
 * @param rabbitmqVhost       the virtual host holding the event queues
 * @param cacheMillis         how long one reading is served to every caller
 * @param timeoutMillis       how long either API may take before the view reports it unavailable
 */
@ConfigurationProperties("pulse.operations")
public record OperationsSettings(@Nullable String flinkUrl, @Nullable String rabbitmqUrl,
                                 @Bindable(defaultValue = "guest") String rabbitmqUser,
                                 @Bindable(defaultValue = "guest") String rabbitmqPassword,
                                 @Bindable(defaultValue = "/") String rabbitmqVhost,
                                 @Bindable(defaultValue = "2000") @Positive long cacheMillis,
                                 @Bindable(defaultValue = "3000") @Positive long timeoutMillis) {

    /** Without the password: Micronaut logs the beans it creates at DEBUG. */
    @Override
    public String toString() {
        return "OperationsSettings[flinkUrl=" + flinkUrl + ", rabbitmqUrl=" + rabbitmqUrl + ", rabbitmqUser=" + rabbitmqUser
                + ", rabbitmqVhost=" + rabbitmqVhost + ", cacheMillis=" + cacheMillis + ", timeoutMillis=" + timeoutMillis + "]";
    }
}
