package io.duplex.examples.chat;

import java.util.Collection;

/**
 * Writes one JSON object (RFC 8259) member by member: strings, numbers, booleans, arrays of
 * strings and arrays of objects written by other {@code JsonWriter}s. Strings are escaped so the
 * output is valid JSON whatever a user typed: quote, backslash and every control character, plus
 * U+2028/U+2029 (valid JSON, but line terminators in older JavaScript).
 *
 * <p>Threading: not thread-safe; build on one thread, then share the resulting string.
 */
final class JsonWriter {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out = new StringBuilder(64).append('{');
    private boolean empty = true;

    private JsonWriter() {}

    static JsonWriter object() {
        return new JsonWriter();
    }

    /** An object with a {@code type} member first, as every chat message has. */
    static JsonWriter message(String type) {
        return object().field("type", type);
    }

    JsonWriter field(String name, String value) {
        name(name);
        string(out, value);
        return this;
    }

    JsonWriter field(String name, long value) {
        name(name);
        out.append(value);
        return this;
    }

    JsonWriter field(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("JSON has no " + value);
        }
        name(name);
        out.append(value);
        return this;
    }

    JsonWriter field(String name, boolean value) {
        name(name);
        out.append(value);
        return this;
    }

    JsonWriter field(String name, JsonWriter object) {
        name(name);
        out.append(object.toString());
        return this;
    }

    JsonWriter strings(String name, Collection<String> values) {
        name(name);
        out.append('[');
        boolean first = true;
        for (String v : values) {
            if (!first) {
                out.append(',');
            }
            first = false;
            string(out, v);
        }
        out.append(']');
        return this;
    }

    JsonWriter objects(String name, Collection<JsonWriter> values) {
        name(name);
        out.append('[');
        boolean first = true;
        for (JsonWriter v : values) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append(v.toString());
        }
        out.append(']');
        return this;
    }

    private void name(String name) {
        if (!empty) {
            out.append(',');
        }
        empty = false;
        string(out, name);
        out.append(':');
    }

    static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append("\\u")
                                .append(HEX[(c >> 12) & 0xf])
                                .append(HEX[(c >> 8) & 0xf])
                                .append(HEX[(c >> 4) & 0xf])
                                .append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** The object written so far, closed. */
    @Override
    public String toString() {
        return out + "}";
    }
}
