package io.duplex.cli.options;

import picocli.CommandLine;

/**
 * One {@code -H "Name: value"} request header, as curl takes it.
 *
 * <p>Threading: immutable.
 *
 * @param name the field name, without surrounding spaces
 * @param value the field value, without leading or trailing spaces (may be empty)
 */
public record Header(String name, String value) {

    /**
     * @throws IllegalArgumentException when there is no colon or no name before it
     */
    public static Header parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0 || text.substring(0, colon).isBlank()) {
            throw new IllegalArgumentException("not a header: '" + text + "' (expected \"Name: value\")");
        }
        String name = text.substring(0, colon).trim();
        if (name.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
            throw new IllegalArgumentException("header name contains spaces or control characters: '" + name + "'");
        }
        return new Header(name, text.substring(colon + 1).trim());
    }

    /** Lets picocli convert {@code -H} values; a bad one is a usage error (exit 2). */
    public static final class Converter implements CommandLine.ITypeConverter<Header> {
        @Override
        public Header convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
