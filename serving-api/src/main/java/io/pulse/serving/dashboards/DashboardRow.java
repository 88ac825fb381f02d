package io.pulse.serving.dashboards;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.MappedProperty;
import io.micronaut.data.annotation.Version;
import io.micronaut.data.model.DataType;
import java.util.UUID;

/** The stored form of a dashboard; widgets are kept as one JSON document. */
@MappedEntity("dashboard")
public record DashboardRow(@Id UUID id, String tenant, String name, String defaultRange, int refreshSeconds,
                           @MappedProperty(definition = "jsonb", type = DataType.JSON) String widgets,
                           @Version Long version) {
}
