package io.pulse.contracts.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** The fields two versions of a spec differ in, each with its JSON Pointer and both values. */
public final class SpecDiff {

    /** One difference; {@code before} or {@code after} is null when the field was added or removed. */
    public record Change(String path, JsonNode before, JsonNode after) {
    }

    private SpecDiff() {
    }

    /** Differences between the documents, ignoring {@code version}; arrays compare as whole values. */
    public static List<Change> between(JsonNode before, JsonNode after) {
        List<Change> changes = new ArrayList<>();
        compare("", before, after, changes);
        changes.removeIf(change -> change.path().equals("/version"));
        return changes;
    }

    private static void compare(String path, JsonNode before, JsonNode after, List<Change> changes) {
        if (before != null && after != null && before.isObject() && after.isObject()) {
            TreeSet<String> fields = new TreeSet<>();
            before.fieldNames().forEachRemaining(fields::add);
            after.fieldNames().forEachRemaining(fields::add);
            for (String field : fields) {
                compare(path + "/" + field.replace("~", "~0").replace("/", "~1"), before.get(field), after.get(field), changes);
            }
        } else if (before == null || after == null || !before.equals(after)) {
            changes.add(new Change(path, before, after));
        }
    }
}
