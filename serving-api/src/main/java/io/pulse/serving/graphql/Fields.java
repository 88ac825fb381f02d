package io.pulse.serving.graphql;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Maps, which GraphQL has no type for, as lists of pairs. */
final class Fields {

    private Fields() {
    }

    /** {@code map} as {@code [{<keyField>: key, value}]} in key order, so answers are stable. */
    static List<Map<String, String>> pairs(Map<String, String> map, String keyField) {
        List<Map<String, String>> pairs = new ArrayList<>();
        new TreeMap<>(map).forEach((key, value) -> pairs.add(Map.of(keyField, key, "value", value)));
        return pairs;
    }
}
