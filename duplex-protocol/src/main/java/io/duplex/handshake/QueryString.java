package io.duplex.handshake;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The query of a request target (RFC 3986 §3.4, the part after {@code ?}, without it) read as
 * {@code name=value} pairs separated by {@code &}, names and values URL-decoded (a malformed escape
 * is kept as it came). One reading for the upgrade request, HTTP exchanges and the adapters.
 *
 * <p>Threading: stateless; safe from any thread.
 */
public final class QueryString {
    private QueryString() {}

    /** Every value of parameter {@code name}, in order; empty when {@code query} is null or has none. */
    public static List<String> values(String query, String name) {
        List<String> values = new ArrayList<>(1);
        if (query == null) {
            return values;
        }
        for (String pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (decode(key).equals(name)) {
                values.add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return values;
    }

    /** The first value of parameter {@code name}, or {@code null}. */
    public static String first(String query, String name) {
        List<String> all = values(query, name);
        return all.isEmpty() ? null : all.get(0);
    }

    /** Every parameter and its values, in order of first appearance; empty pairs are skipped. Unmodifiable. */
    public static Map<String, List<String>> all(String query) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                out.computeIfAbsent(decode(name), k -> new ArrayList<>()).add(decode(value));
            }
        }
        out.replaceAll((k, v) -> Collections.unmodifiableList(v));
        return Collections.unmodifiableMap(out);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
