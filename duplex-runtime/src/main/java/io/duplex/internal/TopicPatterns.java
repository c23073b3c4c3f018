package io.duplex.internal;

import java.util.Map;
import java.util.function.Function;

/**
 * A per-topic setting (history, presence) given per exact name or per name pattern ending in
 * {@code *} (a prefix; {@code "*"} alone matches every topic). An exact name wins over patterns,
 * and the longest matching pattern over shorter ones; a topic nothing matches gets the fallback.
 *
 * <p>Threading: immutable.
 *
 * @param byPattern the settings by name or pattern
 * @param fallback what a topic nothing matches gets (may be null: "not set")
 */
public record TopicPatterns<T>(Map<String, T> byPattern, T fallback) implements Function<String, T> {
    public TopicPatterns {
        byPattern = Map.copyOf(byPattern);
        for (String pattern : byPattern.keySet()) {
            check(pattern);
        }
    }

    /** Throws when {@code pattern} has a {@code *} anywhere but at its end. */
    public static void check(String pattern) {
        int star = pattern.indexOf('*');
        if (star >= 0 && star != pattern.length() - 1) {
            throw new IllegalArgumentException("a topic pattern may only end in *: " + pattern);
        }
    }

    @Override
    public T apply(String topic) {
        T exact = byPattern.get(topic);
        if (exact != null) {
            return exact;
        }
        T best = fallback;
        int bestLength = -1;
        for (Map.Entry<String, T> e : byPattern.entrySet()) {
            String p = e.getKey();
            if (p.endsWith("*")) {
                String prefix = p.substring(0, p.length() - 1);
                if (topic.startsWith(prefix) && prefix.length() > bestLength) {
                    best = e.getValue();
                    bestLength = prefix.length();
                }
            }
        }
        return best;
    }
}
