package io.pulse.serving.stream;

/**
 * A Redis stream entry id ({@code <ms>-<seq>}), the cursor of a live subscription: everything up to it
 * has reached the subscriber. Ids compare numerically, not as text.
 */
public record StreamId(long millis, long sequence) implements Comparable<StreamId> {

    /** Before every entry. */
    public static final StreamId ZERO = new StreamId(0, 0);

    public static StreamId parse(String text) {
        int dash = text == null ? -1 : text.indexOf('-');
        try {
            if (dash < 0) {
                throw new NumberFormatException();
            }
            StreamId id = new StreamId(Long.parseLong(text.substring(0, dash)), Long.parseLong(text.substring(dash + 1)));
            if (id.millis < 0 || id.sequence < 0) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a cursor looks like 1764064800000-0");
        }
    }

    public static StreamId max(StreamId a, StreamId b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public int compareTo(StreamId other) {
        int byMillis = Long.compare(millis, other.millis);
        return byMillis != 0 ? byMillis : Long.compare(sequence, other.sequence);
    }

    @Override
    public String toString() {
        return millis + "-" + sequence;
    }
}
