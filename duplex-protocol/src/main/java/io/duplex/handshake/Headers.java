package io.duplex.handshake;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * HTTP header fields: a case-insensitive multi-map that keeps the fields in the order they were
 * added, with their names spelled as given. Names must be tokens and values field text (RFC 7230
 * §3.2); values are stored without leading or trailing whitespace (OWS). Because every value is
 * checked when added, headers can be written back to the wire without risk of header injection.
 *
 * <p>Threading: immutable once built; safe to share. {@link Builder} is not thread-safe.
 */
public final class Headers {

    /** No header fields. */
    public static final Headers EMPTY = new Headers(List.of());

    private final List<Field> fields;

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

    private Headers(List<Field> fields) {
        this.fields = fields;
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
        return fields;
    }

    public int size() {
        return fields.size();
    }

    public boolean isEmpty() {
        return fields.isEmpty();
    }

    /** The value of the first field with this name (case-insensitive), or {@code null}. */
    public String first(String name) {
        // Indexed loops here and below: a handshake asks a dozen questions of its headers, and
        // none of them should leave an iterator or a list behind.
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            if (f.name().equalsIgnoreCase(name)) {
                return f.value();
            }
        }
        return null;
    }

    /** How many fields have this name (case-insensitive). */
    public int count(String name) {
        int n = 0;
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).name().equalsIgnoreCase(name)) {
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
            Field f = fields.get(i);
            if (f.name().equalsIgnoreCase(name)) {
                values[j++] = f.value();
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
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            if (f.name().equalsIgnoreCase(name)) {
                String v = f.value();
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
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            if (f.name().equalsIgnoreCase(name) && listContains(f.value(), token)) {
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
        return o instanceof Headers h && h.fields.equals(fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    /** Field names only: values may carry credentials ({@code Authorization}, {@code Cookie}). */
    @Override
    public String toString() {
        List<String> names = new ArrayList<>(fields.size());
        for (Field f : fields) {
            names.add(f.name());
        }
        return "Headers" + names;
    }

    /**
     * Collects header fields; {@link #build()} returns an immutable snapshot.
     *
     * <p>Threading: not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private final List<Field> fields = new ArrayList<>();

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
            fields.add(new Field(name, trim(value, 0, value.length())));
            return this;
        }

        public Builder addAll(Headers headers) {
            fields.addAll(headers.fields);
            return this;
        }

        public Headers build() {
            return fields.isEmpty() ? EMPTY : new Headers(List.copyOf(fields));
        }
    }
}
