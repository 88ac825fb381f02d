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

    public static SeriesKey of(String tenant, String metric, Map<String, String> seriesDimensions) {
        try {
            return new SeriesKey(tenant, metric, JSON.writeValueAsString(new TreeMap<>(seriesDimensions)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serializes", e);
        }
    }

    public Map<String, String> dimensions() {
        try {
            return JSON.readValue(series, new TypeReference<TreeMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("series is not canonical JSON: " + series, e);
        }
    }
}
