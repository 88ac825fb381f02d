package io.pulse.serving.ingest;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.pulse.serving.security.Permission;
import io.pulse.serving.security.RequiresPermission;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.pulse.contracts.event.Event;
import io.pulse.contracts.event.EventBatchReader;
import io.pulse.contracts.event.EventLimits;
import io.pulse.contracts.event.EventValidator;
import io.pulse.contracts.event.Rejection;
import io.pulse.serving.caller.Caller;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.List;

/**
 * {@code POST /v1/events}: one event, a JSON array, or NDJSON (one event per line). Validated by the same
 * reader and validator as the rollup job, with the tenant taken from the caller's credential. Valid
 * events are published and {@code 202} is answered only after the broker confirmed them; each rejected
 * event comes back with its index and reason. Nothing is dropped silently.
 */
@Controller("/v1/events")
@Secured(SecurityRule.IS_AUTHENTICATED)
public class IngestController {

    public static final String NDJSON = "application/x-ndjson";

    @Serdeable
    public record RejectedEvent(int index, String reason, String message) { }

    /**
     * {@code rejected} lists the first {@link Rejections#LISTED} rejections; {@code rejectedCount} counts
     * them all and {@code rejectedByReason} by reason, so an answer stays small whatever the body held.
     */
    @Serdeable
    public record IngestResult(int accepted, List<RejectedEvent> rejected, int rejectedCount,
                               Map<String, Integer> rejectedByReason) { }

    /** The rejections of one request: the first ones in full, then only counted. */
    static final class Rejections {
        static final int LISTED = 100;
        private final List<RejectedEvent> listed = new ArrayList<>();
        private final Map<String, Integer> byReason = new TreeMap<>();
        private int count;

        void add(int index, Rejection rejection) {
            count++;
            byReason.merge(rejection.reason().code(), 1, Integer::sum);
            if (listed.size() < LISTED) {
                listed.add(new RejectedEvent(index, rejection.reason().code(), rejection.message()));
            }
        }

        IngestResult result(int accepted) {
            return new IngestResult(accepted, listed, count, byReason);
        }
    }

    private final EventBatchReader reader = new EventBatchReader(new EventValidator(EventLimits.DEFAULT));
    private final EventPublisher publisher;
    private final IngestMetrics metrics;

    IngestController(EventPublisher publisher, IngestMetrics metrics) {
        this.publisher = publisher;
        this.metrics = metrics;
    }

    @Post
    @RequiresPermission(Permission.EVENTS_WRITE)
    @Consumes({MediaType.APPLICATION_JSON, NDJSON})
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<IngestResult> ingest(Caller caller, @Header("Content-Type") String contentType,
                                             @Body byte[] body) throws Exception {
        List<Event> accepted = new ArrayList<>();
        Rejections rejected = new Rejections();
        long now = System.currentTimeMillis();
        if (contentType.startsWith(NDJSON)) {
            // split the bytes, not a decoded string: each line is then decoded strictly by the reader, so
            // invalid UTF-8 is that line's rejection instead of becoming U+FFFD (a '\n' byte never
            // occurs inside a multi-byte UTF-8 sequence)
            int line = 0;
            for (int start = 0; start <= body.length; line++) {
                int end = start;
                while (end < body.length && body[end] != '\n') {
                    end++;
                }
                if (!isBlank(body, start, end)) {
                    read(Arrays.copyOfRange(body, start, end), now, caller, line, accepted, rejected);
                }
                start = end + 1;
            }
        } else {
            read(body, now, caller, null, accepted, rejected);
        }
        if (accepted.isEmpty()) {
            return HttpResponse.badRequest(rejected.result(0));
        }
        publisher.publish(caller.tenant(), accepted);
        metrics.accepted(accepted.size()); // after the broker's confirm: a failed publish accepted nothing
        return HttpResponse.accepted().body(rejected.result(accepted.size()));
    }

    private static boolean isBlank(byte[] body, int start, int end) {
        for (int i = start; i < end; i++) {
            if (body[i] != ' ' && body[i] != '\t' && body[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads a whole body ({@code line} null: rejections carry the element's index, -1 for the whole body)
     * or one NDJSON line (rejections carry the line's number).
     */
    private void read(byte[] body, long now, Caller caller, Integer line, List<Event> accepted,
                      Rejections rejected) {
        reader.read(body, now, caller.tenant(), new EventBatchReader.Handler() {
            @Override
            public void accept(int index, Event event) {
                accepted.add(event);
            }

            @Override
            public void reject(int index, Rejection rejection, String raw) {
                rejected.add(line != null ? line : index, rejection);
                metrics.rejected(rejection.reason());
            }
        });
    }
}
