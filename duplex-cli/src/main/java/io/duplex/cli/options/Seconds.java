package io.duplex.cli.options;

import java.util.Locale;
import picocli.CommandLine;

/**
 * Parses durations as people write them on a command line ({@code wrk -d 3s}, {@code k6
 * --duration 2m}): a plain number is seconds ({@code 10}, {@code 0.5}); a number with a unit is
 * {@code ms}, {@code s}, {@code m} or {@code h} ({@code 250ms}, {@code 3s}, {@code 1.5m}),
 * case-insensitive. The value is in seconds; each option checks its own range afterwards.
 *
 * <p>Threading: stateless.
 */
public final class Seconds {
    private Seconds() {}

    /**
     * @return the duration in seconds
     * @throws IllegalArgumentException with a message fit for the user when {@code text} is not a
     *     duration
     */
    public static double parse(String text) {
        String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        double unit = 1;
        if (s.endsWith("ms")) {
            unit = 0.001;
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("s")) {
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("m")) {
            unit = 60;
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("h")) {
            unit = 3600;
            s = s.substring(0, s.length() - 1);
        }
        // Digits with at most one point, an optional sign: no exponents, hex, NaN or Infinity.
        if (!s.matches("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)")) {
            throw new IllegalArgumentException("not a duration: '" + text
                    + "' (expected seconds or a number with ms, s, m or h, e.g. 500ms, 3s, 2m)");
        }
        return Double.parseDouble(s) * unit;
    }

    /** Lets picocli convert duration options; a bad value is a usage error (exit 2). */
    public static final class Converter implements CommandLine.ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
