package io.duplex.jakarta;

import jakarta.websocket.Extension;
import java.util.ArrayList;
import java.util.List;

/**
 * An extension as negotiated in {@code Sec-WebSocket-Extensions} (RFC 6455 §9.1): a name and its
 * parameters, for {@code Session.getNegotiatedExtensions()} and the configurator's negotiation.
 *
 * <p>Threading: immutable.
 */
record NegotiatedExtension(String getName, List<Extension.Parameter> getParameters) implements Extension {

    /** A parameter {@code name[=value]}. */
    record Parameter(String getName, String getValue) implements Extension.Parameter {}

    /** Parses one extension of the header: {@code name; p1=v1; p2}. */
    static NegotiatedExtension parse(String formatted) {
        String[] parts = formatted.split(";");
        List<Extension.Parameter> params = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            params.add(
                    eq < 0
                            ? new Parameter(p, null)
                            : new Parameter(
                                    p.substring(0, eq).trim(),
                                    unquote(p.substring(eq + 1).trim())));
        }
        return new NegotiatedExtension(parts[0].trim(), List.copyOf(params));
    }

    /** Every extension of a header value (comma-separated). */
    static List<Extension> parseAll(List<String> headerValues) {
        List<Extension> out = new ArrayList<>();
        for (String header : headerValues) {
            for (String e : header.split(",")) {
                if (!e.isBlank()) {
                    out.add(parse(e));
                }
            }
        }
        return out;
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }
}
