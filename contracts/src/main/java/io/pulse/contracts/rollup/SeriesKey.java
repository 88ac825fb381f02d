package io.pulse.contracts.rollup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Identifies one series: a tenant's metric with one combination of its series-dimension values.
 * {@code series} is the canonical JSON object of those values with sorted keys, so equal
 * combinations always give equal keys and the text can be stored and parsed back.
 */
public record SeriesKey(String tenant, String metric, String series) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Builds the key from the series dimensions. */
    public static SeriesKey of(String tenant, String metric, Map<String, String> seriesDimensions) {
        return of(tenant, metric, seriesDimensions, null);
    }

    /**
     * Builds the key from an event's dimensions, leaving out {@code leftOut} (the distinct dimension; may
     * be null). Called per event, so it sorts the few entries in an array and writes the JSON by hand
     * rather than copying the map into a sorted one.
     */
    public static SeriesKey of(String tenant, String metric, Map<String, String> dimensions, String leftOut) {
        @SuppressWarnings("unchecked")
        Map.Entry<String, String>[] entries = new Map.Entry[dimensions.size()];
        int size = 0;
        for (Map.Entry<String, String> dimension : dimensions.entrySet()) {
            if (!dimension.getKey().equals(leftOut)) {
                entries[size++] = dimension;
            }
        }
        Arrays.sort(entries, 0, size, Map.Entry.comparingByKey());
        StringBuilder json = new StringBuilder(16 + 24 * size).append('{');
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                json.append(',');
            }
            appendString(json, entries[i].getKey()).append(':');
            appendString(json, entries[i].getValue());
        }
        return new SeriesKey(tenant, metric, json.append('}').toString());
    }

    private static StringBuilder appendString(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }

    public Map<String, String> dimensions() {
        try {
            return JSON.readValue(series, new TypeReference<TreeMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("series is not canonical JSON: " + series, e);
        }
    }
}
