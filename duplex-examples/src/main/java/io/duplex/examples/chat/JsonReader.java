package io.duplex.examples.chat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict, bounded JSON reader (RFC 8259) for the chat's client messages: exactly one object
 * whose values are strings, numbers, {@code true}, {@code false}, {@code null} or arrays of those
 * scalars. Nested objects and arrays of arrays are refused, as are duplicate keys, trailing
 * commas, leading zeros, raw control characters and lone surrogates in strings, and anything after
 * the closing brace. The input is bounded by the socket's message limit and the reader keeps at
 * most {@link #MAX_MEMBERS} members and {@link #MAX_ITEMS} array items, so it needs no recursion
 * and no more memory than a small multiple of its input.
 *
 * <p>Numbers are returned as {@link Double}, strings as {@link String}, arrays as unmodifiable
 * {@link List}s, {@code null} as {@link #NULL}.
 *
 * <p>Threading: stateless entry point; each call uses its own instance.
 */
final class JsonReader {
    static final int MAX_MEMBERS = 32;
    static final int MAX_ITEMS = 256;

    /** The JSON {@code null} value (a map cannot hold Java {@code null} as "present"). */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** The input is not one flat JSON object; the message is safe to show to the peer. */
    static final class MalformedJsonException extends Exception {
        MalformedJsonException(String message) {
            super(message, null, false, false);
        }
    }

    private final String text;
    private int at;

    private JsonReader(String text) {
        this.text = text;
    }

    /** Parses one flat object; members keep their order. */
    static Map<String, Object> readObject(String text) throws MalformedJsonException {
        JsonReader r = new JsonReader(text);
        r.skipSpace();
        Map<String, Object> object = r.object();
        r.skipSpace();
        if (r.at != text.length()) {
            throw r.error("unexpected characters after the object");
        }
        return object;
    }

    private Map<String, Object> object() throws MalformedJsonException {
        expect('{');
        Map<String, Object> members = new LinkedHashMap<>();
        skipSpace();
        if (take('}')) {
            return Collections.unmodifiableMap(members);
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw error("expected a member name");
            }
            String key = string();
            skipSpace();
            expect(':');
            skipSpace();
            Object value = peek() == '[' ? array() : scalar();
            if (members.put(key, value) != null) {
                throw error("duplicate member \"" + key + "\"");
            }
            if (members.size() > MAX_MEMBERS) {
                throw error("more than " + MAX_MEMBERS + " members");
            }
            skipSpace();
            if (take('}')) {
                return Collections.unmodifiableMap(members);
            }
            expect(',');
        }
    }

    private List<Object> array() throws MalformedJsonException {
        expect('[');
        List<Object> items = new ArrayList<>();
        skipSpace();
        if (take(']')) {
            return List.of();
        }
        while (true) {
            skipSpace();
            items.add(scalar());
            if (items.size() > MAX_ITEMS) {
                throw error("more than " + MAX_ITEMS + " array items");
            }
            skipSpace();
            if (take(']')) {
                return Collections.unmodifiableList(items);
            }
            expect(',');
        }
    }

    private Object scalar() throws MalformedJsonException {
        int c = peek();
        return switch (c) {
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", NULL);
            case '{', '[' -> throw error("nested objects and arrays are not accepted");
            case -1 -> throw error("unexpected end of input");
            default -> number();
        };
    }

    private String string() throws MalformedJsonException {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            if (at >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(at++);
            if (c == '"') {
                return wellFormed(out);
            }
            if (c < 0x20) {
                // RFC 8259 §7: control characters must be escaped.
                throw error("raw control character in a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (at >= text.length()) {
                throw error("unterminated escape");
            }
            char e = text.charAt(at++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> out.append(hex4());
                default -> throw error("bad escape \\" + e);
            }
        }
    }

    /** Lone surrogates cannot arrive in a valid UTF-8 frame, but JSON escapes can make them. */
    private String wellFormed(StringBuilder s) throws MalformedJsonException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw error("lone surrogate in a string");
            }
        }
        return s.toString();
    }

    private char hex4() throws MalformedJsonException {
        if (at + 4 > text.length()) {
            throw error("short \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(text.charAt(at + i), 16);
            if (d < 0) {
                throw error("bad \\u escape");
            }
            v = v * 16 + d;
        }
        at += 4;
        return (char) v;
    }

    /** RFC 8259 §6: {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}. */
    private Double number() throws MalformedJsonException {
        int start = at;
        take('-');
        if (take('0')) {
            if (isDigit(peek())) {
                throw error("leading zero in a number");
            }
        } else if (!digits()) {
            throw error("unexpected character");
        }
        if (take('.') && !digits()) {
            throw error("digits expected after '.'");
        }
        if (take('e') || take('E')) {
            if (!take('+')) {
                take('-');
            }
            if (!digits()) {
                throw error("digits expected in the exponent");
            }
        }
        return Double.valueOf(text.substring(start, at));
    }

    private boolean digits() {
        int start = at;
        while (isDigit(peek())) {
            at++;
        }
        return at > start;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private Object literal(String word, Object value) throws MalformedJsonException {
        if (!text.startsWith(word, at)) {
            throw error("unexpected character");
        }
        at += word.length();
        return value;
    }

    private int peek() {
        return at < text.length() ? text.charAt(at) : -1;
    }

    private boolean take(char c) {
        if (peek() == c) {
            at++;
            return true;
        }
        return false;
    }

    private void expect(char c) throws MalformedJsonException {
        if (!take(c)) {
            throw error(peek() == -1 ? "unexpected end of input" : "expected '" + c + "'");
        }
    }

    /** RFC 8259 §2: insignificant whitespace is space, tab, LF and CR only. */
    private void skipSpace() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            at++;
        }
    }

    private MalformedJsonException error(String what) {
        return new MalformedJsonException(what + " at offset " + at);
    }
}
