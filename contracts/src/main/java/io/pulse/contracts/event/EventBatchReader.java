package io.pulse.contracts.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one message body (a single JSON event or a JSON array of events) and validates every event.
 * Each element is judged on its own: a bad element is reported with its index and raw text while the
 * others go on. Only a body that is not well-formed JSON at all is rejected as a whole.
 *
 * <p>The body is decoded as strict UTF-8 first (invalid bytes, overlong forms and encoded surrogates
 * refuse the message, never become U+FFFD or another character), then parsed by streaming straight into
 * {@link Event}s: no tree, no reflection, on the hot path of the job. Numbers of any length are read
 * per event: Jackson's number-length limit is lifted to the message size so that a huge literal is an
 * event's rejection, not the whole message's, and literals are measured before they are converted.
 */
public final class EventBatchReader {

    /** Receives the outcome of each element, in order. */
    public interface Handler {
        void accept(int index, Event event);

        /** {@code index} is -1 when the whole body was refused; {@code raw} is the element's JSON text. */
        void reject(int index, Rejection rejection, String raw);
    }

    /** Longest number literal converted at all; a double never needs more digits than this. */
    private static final int MAX_NUMBER_CHARS = 400;
    /** Longest timestamp string parsed; ISO-8601 instants are far shorter. */
    private static final int MAX_TIMESTAMP_CHARS = 64;
    /** A long has at most 19 digits and a sign. */
    private static final int MAX_LONG_CHARS = 20;

    private final JsonFactory json;

    private final EventValidator validator;

    public EventBatchReader(EventValidator validator) {
        this.validator = validator;
        this.json = JsonFactory.builder()
                .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNumberLength(validator.limits().maxMessageBytes()).build())
                .build();
    }

    public EventValidator validator() {
        return validator;
    }

    /**
     * Reads {@code body}, validating event times against {@code nowMillis}, and reports every element
     * to {@code handler}. Outcomes are delivered only once the whole body proved well-formed, so a body
     * with a syntax error anywhere is refused as one piece and none of its events is half-accepted.
     * Returns the number of elements.
     */
    public int read(byte[] body, long nowMillis, Handler handler) {
        return read(body, nowMillis, null, handler);
    }

    /**
     * Like {@link #read(byte[], long, Handler)}, for a caller whose tenant comes from its credential: an
     * event without a tenant gets {@code callerTenant}; one naming another tenant is rejected.
     */
    public int read(byte[] body, long nowMillis, String callerTenant, Handler handler) {
        if (body.length > validator.limits().maxMessageBytes()) {
            handler.reject(-1, Rejection.of(RejectReason.MESSAGE_TOO_LARGE, "message is larger than "
                    + validator.limits().maxMessageBytes() + " bytes"), truncated(body));
            return 0;
        }
        if (!strictUtf8(body)) {
            handler.reject(-1, Rejection.of(RejectReason.INVALID_ENCODING, "message is not valid UTF-8"),
                    truncated(body));
            return 0;
        }
        int nul = indexOfNul(body, ENCODING_DETECTION_BYTES);
        if (nul >= 0) {
            // the byte parser would take a body with NULs among its first bytes for UTF-16 or UTF-32 and
            // read it as such; a NUL anywhere later it refuses itself, as no JSON holds one unescaped
            handler.reject(-1, Rejection.of(RejectReason.MALFORMED_JSON,
                    "message is not well-formed JSON (a NUL byte at offset " + nul + ")"), truncated(body));
            return 0;
        }
        List<Object> outcomes = new ArrayList<>();
        try (JsonParser parser = json.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new JsonParseException(parser, "empty message");
            }
            if (first == JsonToken.START_ARRAY) {
                JsonToken token;
                while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                    if (token == null) {
                        throw new JsonParseException(parser, "unterminated array");
                    }
                    outcomes.add(readElement(parser, nowMillis, callerTenant));
                }
            } else {
                outcomes.add(readElement(parser, nowMillis, callerTenant));
            }
            if (parser.nextToken() != null) {
                throw new JsonParseException(parser, "trailing content after the JSON value");
            }
        } catch (IOException e) {
            handler.reject(-1, Rejection.of(RejectReason.MALFORMED_JSON, malformed(e)), truncated(body));
            return 0;
        }
        for (int index = 0; index < outcomes.size(); index++) {
            if (outcomes.get(index) instanceof Event event) {
                handler.accept(index, event);
            } else {
                RejectedElement rejected = (RejectedElement) outcomes.get(index);
                handler.reject(index, rejected.rejection(), new String(body, rejected.start(),
                        rejected.end() - rejected.start(), StandardCharsets.UTF_8));
            }
        }
        return outcomes.size();
    }

    /** A rejected element and where its text is, taken out only when it is reported: a body of a million bad elements stays small. */
    private record RejectedElement(Rejection rejection, int start, int end) { }

    /** How many leading bytes Jackson reads to tell UTF-8 from UTF-16 and UTF-32. */
    private static final int ENCODING_DETECTION_BYTES = 4;

    private static int indexOfNul(byte[] body, int within) {
        for (int i = 0; i < Math.min(body.length, within); i++) {
            if (body[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Whether the body is well-formed UTF-8 by the JDK's strict decoder (no overlong forms, no encoded
     * surrogates), decoded a piece at a time into a small buffer and thrown away: the parser then reads
     * the bytes themselves, which is much faster than reading decoded characters.
     */
    private static boolean strictUtf8(byte[] body) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        CharBuffer out = CharBuffer.allocate(Math.min(body.length, 8192) + 2);
        CoderResult result;
        do {
            out.clear();
            result = decoder.decode(in, out, true);
        } while (result.isOverflow());
        if (result.isError()) {
            return false;
        }
        do {
            out.clear();
            result = decoder.flush(out);
        } while (result.isOverflow());
        return !result.isError();
    }

    /**
     * Says where the body stopped being JSON, never what it held there: Jackson's own messages quote
     * the offending input, and the contract promises that details never echo it.
     */
    private static String malformed(IOException e) {
        if (e instanceof StreamConstraintsException limit) {
            return "message exceeds a parser limit: " + limit.getOriginalMessage();
        }
        JsonLocation at = e instanceof JsonProcessingException json ? json.getLocation() : null;
        return at == null ? "message is not well-formed JSON"
                : "message is not well-formed JSON (stopped at line " + at.getLineNr() + ", column "
                        + at.getColumnNr() + ")";
    }

    /** Returns the element's {@link Event}, or a {@link RejectedElement} with where its raw JSON text is. */
    private Object readElement(JsonParser parser, long nowMillis, String callerTenant)
            throws IOException {
        int start = (int) parser.currentTokenLocation().getByteOffset();
        Object parsed = parser.currentToken() == JsonToken.START_OBJECT
                ? parseEvent(parser, callerTenant)
                : Rejection.of(RejectReason.INVALID_TYPE, "an event must be a JSON object");
        parser.skipChildren();
        if (parsed instanceof Event event) {
            Optional<Rejection> invalid = validator.validate(event, nowMillis);
            if (invalid.isEmpty()) {
                return event;
            }
            parsed = invalid.get();
        }
        int end = (int) parser.currentLocation().getByteOffset();
        return new RejectedElement((Rejection) parsed, start, end);
    }

    /**
     * Parses the object at the parser's START_OBJECT; returns an {@link Event} or a {@link Rejection}.
     * With a {@code callerTenant}, the tenant is the caller's (a different one in the body is refused).
     */
    private static Object parseEvent(JsonParser parser, String callerTenant) throws IOException {
        String tenant = null;
        String metric = null;
        String clientId = null;
        Long timestamp = null;
        Double value = null;
        // a HashMap always, never Map.of(): a job's events cross Flink's network through Kryo, which can
        // rebuild a HashMap but not the JDK's immutable maps
        Map<String, String> dimensions = new HashMap<>();
        String field;
        while ((field = parser.nextFieldName()) != null) {
            JsonToken token = parser.nextToken();
            if ((field.equals("tenant") || field.equals("metric") || field.equals("clientId"))
                    && token != JsonToken.VALUE_STRING && token != JsonToken.VALUE_NULL) {
                parser.skipChildren();
                return skipRest(parser, Rejection.of(RejectReason.INVALID_TYPE, field + " must be a string"));
            }
            switch (field) {
                case "tenant" -> tenant = parser.getValueAsString();
                case "metric" -> metric = parser.getValueAsString();
                case "clientId" -> clientId = parser.getValueAsString();
                case "timestamp" -> {
                    Object ts = readTimestamp(parser, token);
                    if (ts instanceof Rejection rejection) {
                        parser.skipChildren();
                        return skipRest(parser, rejection);
                    }
                    timestamp = (Long) ts;
                }
                case "value" -> {
                    if (!token.isNumeric()) {
                        parser.skipChildren();
                        return skipRest(parser, Rejection.of(RejectReason.INVALID_TYPE, "value must be a number"));
                    }
                    if (parser.getTextLength() > MAX_NUMBER_CHARS) {
                        return skipRest(parser, Rejection.of(RejectReason.INVALID_VALUE,
                                "value has more than " + MAX_NUMBER_CHARS + " characters"));
                    }
                    value = parser.getDoubleValue();
                }
                case "dimensions" -> {
                    Object dims = readDimensions(parser, token);
                    if (dims instanceof Rejection rejection) {
                        parser.skipChildren();
                        return skipRest(parser, rejection);
                    }
                    @SuppressWarnings("unchecked")
                    Map<String, String> read = (Map<String, String>) dims;
                    dimensions = read;
                }
                default -> parser.skipChildren();
            }
        }
        if (timestamp == null) {
            return Rejection.of(RejectReason.MISSING_FIELD, "timestamp is required");
        }
        if (value == null) {
            return Rejection.of(RejectReason.MISSING_FIELD, "value is required");
        }
        if (callerTenant != null) {
            if (tenant != null && !tenant.equals(callerTenant)) {
                return Rejection.of(RejectReason.TENANT_MISMATCH, "events may only be sent for the caller's own tenant");
            }
            tenant = callerTenant;
        }
        if (tenant == null || metric == null) {
            return Rejection.of(RejectReason.MISSING_FIELD, (tenant == null ? "tenant" : "metric") + " is required");
        }
        return new Event(tenant, metric, timestamp, value, dimensions, clientId);
    }

    private static Object readTimestamp(JsonParser parser, JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_NUMBER_INT) {
            if (parser.getTextLength() > MAX_LONG_CHARS || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                return Rejection.of(RejectReason.INVALID_TYPE, "timestamp is out of the range of epoch milliseconds");
            }
            return parser.getLongValue();
        }
        if (token == JsonToken.VALUE_STRING) {
            if (parser.getTextLength() > MAX_TIMESTAMP_CHARS) {
                return Rejection.of(RejectReason.INVALID_TYPE, "timestamp must be an ISO-8601 instant");
            }
            try {
                return Instant.parse(parser.getText()).toEpochMilli();
            } catch (DateTimeParseException e) {
                return Rejection.of(RejectReason.INVALID_TYPE, "timestamp must be an ISO-8601 instant");
            } catch (ArithmeticException e) {
                return Rejection.of(RejectReason.INVALID_TYPE, "timestamp is out of the range of epoch milliseconds");
            }
        }
        return Rejection.of(RejectReason.INVALID_TYPE,
                "timestamp must be epoch milliseconds (integer) or an ISO-8601 instant");
    }

    private static Object readDimensions(JsonParser parser, JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return new HashMap<String, String>();
        }
        if (token != JsonToken.START_OBJECT) {
            return Rejection.of(RejectReason.INVALID_TYPE, "dimensions must be an object of strings");
        }
        Map<String, String> dimensions = new HashMap<>();
        String key;
        while ((key = parser.nextFieldName()) != null) {
            if (parser.nextToken() != JsonToken.VALUE_STRING) {
                parser.skipChildren();
                return skipRest(parser, Rejection.of(RejectReason.INVALID_TYPE, "dimension values must be strings"));
            }
            dimensions.put(key, parser.getText());
        }
        return dimensions;
    }

    /**
     * Consumes the rest of the object the parser is in (its current token must not be an unconsumed
     * struct start) so the caller can go on with the next element.
     */
    private static Rejection skipRest(JsonParser parser, Rejection rejection) throws IOException {
        int depth = 1;
        while (depth > 0) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw new JsonParseException(parser, "unterminated object");
            }
            if (token.isStructStart()) {
                depth++;
            } else if (token.isStructEnd()) {
                depth--;
            }
        }
        return rejection;
    }

    private String truncated(byte[] body) {
        int max = 64 * 1024;
        return new String(body, 0, Math.min(body.length, max), StandardCharsets.UTF_8);
    }
}
