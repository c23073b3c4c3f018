package io.duplex.internal;

import io.duplex.History;
import java.util.Map;
import java.util.function.Function;

/**
 * Which {@link History} a topic has: set per exact name, or per name pattern ending in {@code *}
 * (a prefix; {@code "*"} alone matches every topic). An exact name wins over patterns, and the
 * longest matching pattern over shorter ones; a topic nothing matches has {@link History#NONE}.
 *
 * <p>Threading: immutable.
 */
public record HistoryPolicy(Map<String, History> byPattern) implements Function<String, History> {
    public HistoryPolicy {
        byPattern = Map.copyOf(byPattern);
        for (String pattern : byPattern.keySet()) {
            int star = pattern.indexOf('*');
            if (star >= 0 && star != pattern.length() - 1) {
                throw new IllegalArgumentException("a history pattern may only end in *: " + pattern);
            }
        }
    }

    @Override
    public History apply(String topic) {
        History exact = byPattern.get(topic);
        if (exact != null) {
            return exact;
        }
        History best = History.NONE;
        int bestLength = -1;
        for (Map.Entry<String, History> e : byPattern.entrySet()) {
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
