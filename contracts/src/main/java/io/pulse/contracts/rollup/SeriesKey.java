package io.pulse.contracts.rollup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.TreeMap;

/**
 * Identifies one series: a tenant's metric with one combination of its series-dimension values.
 * {@code series} is the canonical JSON object of those values with sorted keys, so equal
 * combinations always give equal keys and the text can be stored and parsed back.
 */
public record SeriesKey(String tenant, String metric, String series) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Builds the key from the series dimensions; called per event, so it writes the JSON by hand. */
    public static SeriesKey of(String tenant, String metric, Map<String, String> seriesDimensions) {
        StringBuilder json = new StringBuilder(16 + 24 * seriesDimensions.size()).append('{');
        boolean first = true;
        for (Map.Entry<String, String> dimension : new TreeMap<>(seriesDimensions).entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            appendString(json, dimension.getKey()).append(':');
            appendString(json, dimension.getValue());
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
