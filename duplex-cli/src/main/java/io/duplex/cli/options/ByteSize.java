package io.duplex.cli.options;

import java.util.Locale;
import picocli.CommandLine;

/**
 * Parses sizes as people write them on a command line: {@code 1048576}, {@code 512k}, {@code 64m},
 * {@code 1g} (binary multiples: k = 1024), case-insensitive, with an optional trailing {@code b}
 * or {@code ib} ({@code 64MiB}, {@code 512kb}).
 *
 * <p>Threading: stateless.
 */
public final class ByteSize {
    private ByteSize() {}

    /**
     * @return the number of bytes, at least 1
     * @throws IllegalArgumentException with a message fit for the user when {@code text} is not a
     *     size
     */
    public static long parse(String text) {
        String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (s.endsWith("ib")) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("b")) {
            s = s.substring(0, s.length() - 1);
        }
        int shift = 0;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'k' -> shift = 10;
                case 'm' -> shift = 20;
                case 'g' -> shift = 30;
                case 't' -> shift = 40;
                default -> shift = -1;
            }
            if (shift > 0) {
                s = s.substring(0, s.length() - 1);
            } else {
                shift = 0;
            }
        }
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid(text);
        }
        long number = Long.parseLong(s);
        if (number < 1) {
            throw new IllegalArgumentException("size must be at least 1 byte: '" + text + "'");
        }
        if (number > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("size too large: '" + text + "'");
        }
        return number << shift;
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException(
                "not a size: '" + text + "' (expected bytes or a number with k, m or g, e.g. 512k, 64m, 1g)");
    }

    /** Lets picocli convert {@code SIZE} options; a bad value is a usage error (exit 2). */
    public static final class Converter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
