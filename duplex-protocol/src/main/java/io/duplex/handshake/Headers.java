package io.duplex.handshake;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * HTTP header fields: a case-insensitive multi-map that keeps the fields in the order they were
 * added, with their names spelled as given. Names must be tokens and values field text (RFC 7230
 * §3.2); values are stored without leading or trailing whitespace (OWS). Because every value is
 * checked when added, headers can be written back to the wire without risk of header injection.
 *
 * <p>The fields are kept as one array of names and values, not as {@link Field} objects: a
 * request head has a dozen fields, and most are never looked at. {@link #fields()} makes the
 * records when asked.
 *
 * <p>Threading: immutable once built; safe to share. {@link Builder} is not thread-safe.
 */
public final class Headers {

    /** No header fields. */
    public static final Headers EMPTY = new Headers(new String[0]);

    /** Name of field i at 2i, its value at 2i + 1. */
    private final String[] namesAndValues;

    /**
     * {@link #fields()}, made on first use. Racy, as {@code String.hash} is: every thread that
     * finds it null makes an equal list, and the list and its records are immutable (final fields),
     * so any one of them is safely seen.
     */
    private List<Field> fields;

    /**
     * One header field as it was added.
     *
     * <p>Threading: immutable; safe to share.
     */
    public record Field(String name, String value) {
        public Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    private Headers(String[] namesAndValues) {
        this.namesAndValues = namesAndValues;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Headers from alternating names and values: {@code Headers.of("Allow", "GET")}.
     *
     * @throws IllegalArgumentException on an odd number of arguments or an illegal name or value
     */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must come in pairs");
        }
        Builder b = builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            b.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return b.build();
    }

    /** A builder that starts with these fields. */
    public Builder toBuilder() {
        return builder().addAll(this);
    }

    /** All fields in order. */
    public List<Field> fields() {
        List<Field> list = fields;
        if (list == null) {
            Field[] records = new Field[size()];
            for (int i = 0; i < records.length; i++) {
                records[i] = new Field(name(i), value(i));
            }
            list = List.of(records);
            fields = list;
        }
        return list;
    }

    public int size() {
        return namesAndValues.length / 2;
    }

    public boolean isEmpty() {
        return namesAndValues.length == 0;
    }

    /** The name of field {@code i} ({@code 0 <= i < size()}), spelled as added. */
    String name(int i) {
        return namesAndValues[2 * i];
    }

    /** The value of field {@code i} ({@code 0 <= i < size()}). */
    String value(int i) {
        return namesAndValues[2 * i + 1];
    }

    /** The value of the first field with this name (case-insensitive), or {@code null}. */
    public String first(String name) {
        // Here and below: a handshake asks a dozen questions of its headers, and none of them
        // should leave a list, an iterator or a record behind.
        for (int i = 0; i < size(); i++) {
            if (name(i).equalsIgnoreCase(name)) {
                return value(i);
            }
        }
        return null;
    }

    /** How many fields have this name (case-insensitive). */
    public int count(String name) {
        int n = 0;
        for (int i = 0; i < size(); i++) {
            if (name(i).equalsIgnoreCase(name)) {
                n++;
            }
        }
        return n;
    }

    /** The values of every field with this name (case-insensitive), in order. */
    public List<String> all(String name) {
        int n = count(name);
        if (n <= 1) {
            return n == 0 ? List.of() : List.of(first(name));
        }
        String[] values = new String[n];
        for (int i = 0, j = 0; j < n; i++) {
            if (name(i).equalsIgnoreCase(name)) {
                values[j++] = value(i);
            }
        }
        return List.of(values);
    }

    /**
     * The value of cookie {@code name} from the {@code Cookie} field(s) (RFC 6265 §5.4: {@code
     * name=value} pairs separated by {@code ;}), or {@code null}.
     */
    public String cookie(String name) {
        for (String header : all("Cookie")) {
            for (String pair : header.split(";", -1)) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
                    return pair.substring(eq + 1).trim();
                }
            }
        }
        return null;
    }

    public boolean contains(String name) {
        return first(name) != null;
    }

    /**
     * The elements of a comma-separated list header ({@code #token}, RFC 7230 §7) across all fields
     * with this name, trimmed, with empty elements dropped: {@code Connection: keep-alive, Upgrade}
     * gives {@code [keep-alive, Upgrade]}. Quoted strings are not understood; use it for token
     * lists such as {@code Connection}, {@code Upgrade} and {@code Sec-WebSocket-Protocol}.
     */
    public List<String> tokens(String name) {
        List<String> tokens = null;
        for (int i = 0; i < size(); i++) {
            if (name(i).equalsIgnoreCase(name)) {
                String v = value(i);
                int start = 0;
                for (int j = 0; j <= v.length(); j++) {
                    if (j == v.length() || v.charAt(j) == ',') {
                        String element = trim(v, start, j);
                        if (!element.isEmpty()) {
                            if (tokens == null) {
                                tokens = new ArrayList<>(2);
                            }
                            tokens.add(element);
                        }
                        start = j + 1;
                    }
                }
            }
        }
        return tokens == null ? List.of() : List.copyOf(tokens);
    }

    /**
     * Whether {@link #tokens(String)} holds {@code token}, compared case-insensitively. Looks at
     * the elements where they are, without making the list: the handshake asks this of {@code
     * Upgrade} and {@code Connection} on every request.
     */
    public boolean containsToken(String name, String token) {
        for (int i = 0; i < size(); i++) {
            if (name(i).equalsIgnoreCase(name) && listContains(value(i), token)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a comma-separated value has an element, OWS trimmed, equal to {@code token}. */
    private static boolean listContains(String v, String token) {
        int start = 0;
        for (int j = 0; j <= v.length(); j++) {
            if (j == v.length() || v.charAt(j) == ',') {
                int from = start;
                int to = j;
                while (from < to && HttpGrammar.isOws(v.charAt(from))) {
                    from++;
                }
                while (to > from && HttpGrammar.isOws(v.charAt(to - 1))) {
                    to--;
                }
                // Empty elements are dropped (RFC 7230 §7), so they never match.
                if (to > from && to - from == token.length() && v.regionMatches(true, from, token, 0, to - from)) {
                    return true;
                }
                start = j + 1;
            }
        }
        return false;
    }

    private static String trim(String s, int start, int end) {
        while (start < end && HttpGrammar.isOws(s.charAt(start))) {
            start++;
        }
        while (end > start && HttpGrammar.isOws(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    /** Equal when both hold the same fields, spelled the same, in the same order. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Headers h && Arrays.equals(h.namesAndValues, namesAndValues);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(namesAndValues);
    }

    /** Field names only: values may carry credentials ({@code Authorization}, {@code Cookie}). */
    @Override
    public String toString() {
        List<String> names = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            names.add(name(i));
        }
        return "Headers" + names;
    }

    /**
     * Collects header fields; {@link #build()} returns an immutable snapshot.
     *
     * <p>Threading: not thread-safe; confine to one thread.
     */
    public static final class Builder {
        /** As in {@link Headers}: name of field i at 2i, its value at 2i + 1. */
        private String[] namesAndValues = new String[16];

        private int length;

        private Builder() {}

        /**
         * Adds a field; the value is trimmed of OWS.
         *
         * @throws IllegalArgumentException when the name is not a token or the value holds a
         *     control character or a character outside ISO-8859-1 (RFC 7230 §3.2)
         */
        public Builder add(String name, String value) {
            if (!HttpGrammar.isToken(name)) {
                throw new IllegalArgumentException("header name is not a token");
            }
            if (!HttpGrammar.isText(value)) {
                throw new IllegalArgumentException("header value holds an illegal character");
            }
            append(name, trim(value, 0, value.length()));
            return this;
        }

        public Builder addAll(Headers headers) {
            for (int i = 0; i < headers.size(); i++) {
                append(headers.name(i), headers.value(i));
            }
            return this;
        }

        public Headers build() {
            return length == 0 ? EMPTY : new Headers(Arrays.copyOf(namesAndValues, length));
        }

        private void append(String name, String value) {
            if (length == namesAndValues.length) {
                namesAndValues = Arrays.copyOf(namesAndValues, length * 2);
            }
            namesAndValues[length++] = name;
            namesAndValues[length++] = value;
        }
    }
}
