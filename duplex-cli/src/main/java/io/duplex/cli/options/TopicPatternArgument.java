package io.duplex.cli.options;

import io.duplex.Streams;

/**
 * The PATTERN of {@code --history} and {@code --presence}: an exact topic name, or a prefix ending
 * in {@code *} ({@code *} alone: every topic).
 *
 * <p>Threading: stateless.
 */
final class TopicPatternArgument {
    private TopicPatternArgument() {}

    /**
     * @throws IllegalArgumentException with a message fit for the user when {@code pattern} is not a
     *     topic name or a prefix ending in *
     */
    static String check(String pattern) {
        String name = pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1) : pattern;
        if (name.contains("*")) {
            throw new IllegalArgumentException("'" + pattern + "': * may only end a pattern");
        }
        if (!name.isEmpty()) {
            try {
                Streams.checkTopic(name);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        "'" + pattern + "' is not a topic or a prefix ending in *: " + e.getMessage());
            }
        }
        return pattern;
    }
}
