package io.duplex.cli.options;

import io.duplex.PresenceOptions;
import picocli.CommandLine;

/**
 * {@code --presence PATTERN} of {@code duplex serve --topics}: the topics named {@code PATTERN} (an
 * exact name, or a prefix ending in {@code *}) have presence with join and leave events; their
 * subscribers are their members. Every connection is anonymous (a user of its own): the CLI has no
 * authentication to take an identity from.
 *
 * <p>Threading: immutable.
 *
 * @param pattern the topic name or prefix pattern
 */
public record PresenceOption(String pattern) {
    /** What the CLI gives those topics: events on, the default member info cap. */
    public PresenceOptions options() {
        return PresenceOptions.enabled();
    }

    /**
     * @throws IllegalArgumentException with a message fit for the user when {@code text} is not a
     *     topic name or a prefix ending in *
     */
    public static PresenceOption parse(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("expected a topic or a prefix ending in *, e.g. 'room.*'");
        }
        return new PresenceOption(TopicPatternArgument.check(text));
    }

    /** Lets picocli convert {@code --presence}; a bad value is a usage error (exit 2). */
    public static final class Converter implements CommandLine.ITypeConverter<PresenceOption> {
        @Override
        public PresenceOption convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
