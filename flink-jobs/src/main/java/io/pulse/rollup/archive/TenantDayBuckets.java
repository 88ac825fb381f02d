package io.pulse.rollup.archive;

import io.pulse.contracts.event.Event;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;

/**
 * Puts each event in its tenant's folder for the UTC day of its event time: {@code tenant=acme/day=2026-12-01}.
 * Accepted events' tenant names match {@code EventLimits.NAME_PATTERN}, which has no path separator, so no
 * tenant's events can land outside its own folder.
 */
final class TenantDayBuckets implements BucketAssigner<Event, String> {

    private static final long serialVersionUID = 1L;

    static String partition(String tenant, String day) {
        return "tenant=" + tenant + "/day=" + day;
    }

    static String dayOf(long timestamp) {
        return Instant.ofEpochMilli(timestamp).atZone(ZoneOffset.UTC).toLocalDate().toString();
    }

    @Override
    public String getBucketId(Event event, BucketAssigner.Context context) {
        return partition(event.tenant(), dayOf(event.timestamp()));
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }
}
