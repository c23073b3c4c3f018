package io.duplex.cli.options;

import io.duplex.History;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/**
 * {@code --history PATTERN=SIZE[/TTL]} of {@code duplex serve --topics}: the topics named {@code
 * PATTERN} (an exact name, or a prefix ending in {@code *}) keep their newest {@code SIZE}
 * publications, none older than {@code TTL} ({@code 90s}, {@code 10m}, {@code 2h}, {@code 1d};
 * default {@link #DEFAULT_TTL}), for history reads and for clients that resume.
 *
 * <p>Threading: immutable.
 *
 * @param pattern the topic name or prefix pattern
 * @param history what those topics keep
 */
public record HistoryOption(String pattern, History history) {
    /** How long publications are kept when the option gives no TTL. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    /** The longest TTL accepted (in-memory history is not meant for archives). */
    public static final Duration MAX_TTL = Duration.ofDays(30);

    /**
     * @throws IllegalArgumentException with a message fit for the user when {@code text} is not
     *     {@code PATTERN=SIZE[/TTL]}
     */
    public static HistoryOption parse(String text) {
        int eq = text.lastIndexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException(
                    "expected PATTERN=SIZE[/TTL], e.g. 'chat.*=1000/10m', not '" + text + "'");
        }
        String pattern = text.substring(0, eq);
        String rest = text.substring(eq + 1);
        int slash = rest.indexOf('/');
        String size = slash < 0 ? rest : rest.substring(0, slash);
        Duration ttl = slash < 0 ? DEFAULT_TTL : ttl(rest.substring(slash + 1));
        TopicPatternArgument.check(pattern);
        return new HistoryOption(pattern, History.of(size(size), ttl));
    }

    private static int size(String text) {
        if (text.isEmpty() || text.length() > 7 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("history size must be a number of publications, not '" + text + "'");
        }
        int size = Integer.parseInt(text);
        if (size < 1 || size > History.MAX_SIZE) {
            throw new IllegalArgumentException("history size must be 1-" + History.MAX_SIZE + ", not " + size);
        }
        return size;
    }

    private static Duration ttl(String text) {
        String s = text.toLowerCase(Locale.ROOT);
        if (s.length() < 2
                || s.length() > 10
                || !s.substring(0, s.length() - 1).chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalidTtl(text);
        }
        long n = Long.parseLong(s.substring(0, s.length() - 1));
        Duration ttl =
                switch (s.charAt(s.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    case 'd' -> Duration.ofDays(n);
                    default -> throw invalidTtl(text);
                };
        if (ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("history TTL must be above 0 and at most 30d, not '" + text + "'");
        }
        return ttl;
    }

    private static IllegalArgumentException invalidTtl(String text) {
        return new IllegalArgumentException(
                "not a TTL: '" + text + "' (expected a number with s, m, h or d, e.g. 90s, 10m, 2h)");
    }

    /** Lets picocli convert {@code --history}; a bad value is a usage error (exit 2). */
    public static final class Converter implements CommandLine.ITypeConverter<HistoryOption> {
        @Override
        public HistoryOption convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
