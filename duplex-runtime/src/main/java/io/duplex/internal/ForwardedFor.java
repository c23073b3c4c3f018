package io.duplex.internal;

import io.duplex.TrustedProxies;
import io.duplex.handshake.Headers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The client address behind trusted HTTP proxies: read from {@code Forwarded} (RFC 7239) or, when
 * that header is absent, {@code X-Forwarded-For}, and only when the connection comes from a
 * trusted proxy. The list is walked from the nearest hop (the right end) back: each hop a trusted
 * proxy added is believed while that proxy is trusted, and the first address that is not a
 * trusted proxy is the client. An entry that is not an IP literal ({@code unknown}, an obfuscated
 * identifier, RFC 7239 §6.2–6.3, or garbage) ends the walk at the last address proved so far. Names
 * are never resolved.
 *
 * <p>Threading: stateless.
 */
final class ForwardedFor {
    /** Hops examined at most (the head's size limit bounds the header anyway). */
    static final int MAX_HOPS = 32;

    private ForwardedFor() {}

    /** The client address for a request that came from {@code from}. */
    static InetSocketAddress resolve(InetSocketAddress from, Headers headers, TrustedProxies trusted) {
        if (!trusted.forwards(from.getAddress())) {
            return from;
        }
        List<String> hops = headers.contains("Forwarded") ? forwardedFor(headers) : xForwardedFor(headers);
        InetSocketAddress current = from;
        for (int i = hops.size() - 1, seen = 0; i >= 0 && seen < MAX_HOPS; i--, seen++) {
            InetSocketAddress hop = node(hops.get(i));
            if (hop == null) {
                return current;
            }
            current = hop;
            if (!trusted.forwards(hop.getAddress())) {
                return hop;
            }
        }
        return current;
    }

    /** The {@code for=} value of each element of every {@code Forwarded} line, in order (RFC 7239 §4). */
    private static List<String> forwardedFor(Headers headers) {
        List<String> out = new ArrayList<>();
        for (String line : headers.all("Forwarded")) {
            for (String element : split(line, ',')) {
                String value = "";
                for (String pair : split(element, ';')) {
                    int eq = pair.indexOf('=');
                    if (eq > 0
                            && pair.substring(0, eq)
                                    .trim()
                                    .toLowerCase(Locale.ROOT)
                                    .equals("for")) {
                        value = pair.substring(eq + 1).trim();
                    }
                }
                // An element without for= still is a hop we know nothing about: it ends the walk.
                out.add(value);
            }
        }
        return out;
    }

    private static List<String> xForwardedFor(Headers headers) {
        List<String> out = new ArrayList<>();
        for (String line : headers.all("X-Forwarded-For")) {
            for (String hop : line.split(",", -1)) {
                out.add(hop.trim());
            }
        }
        return out;
    }

    /** Splits on {@code sep} outside quoted strings (RFC 7230 §3.2.6). */
    private static List<String> split(String s, char sep) {
        List<String> out = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == sep && !quoted) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    /**
     * A node (RFC 7239 §6): {@code 192.0.2.43}, {@code 192.0.2.43:47011}, {@code "[2001:db8::1]"},
     * {@code "[2001:db8::1]:4711"}, or a bare IPv6 literal as {@code X-Forwarded-For} carries it;
     * {@code null} for anything else. An obfuscated port counts as 0.
     */
    static InetSocketAddress node(String raw) {
        String v = raw.trim();
        if (v.length() >= 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"') {
            v = v.substring(1, v.length() - 1);
        }
        String ip;
        String port = null;
        if (v.startsWith("[")) {
            int end = v.indexOf(']');
            if (end < 0) {
                return null;
            }
            ip = v.substring(1, end);
            String rest = v.substring(end + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return null;
                }
                port = rest.substring(1);
            }
        } else {
            int colon = v.indexOf(':');
            if (colon >= 0 && v.indexOf(':', colon + 1) < 0) {
                ip = v.substring(0, colon);
                port = v.substring(colon + 1);
            } else {
                ip = v;
            }
        }
        InetAddress address = IpLiteral.parse(ip);
        if (address == null) {
            return null;
        }
        int p = 0;
        if (port != null && !port.startsWith("_")) {
            if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            p = Integer.parseInt(port);
            if (p > 65535) {
                return null;
            }
        }
        return new InetSocketAddress(address, p);
    }
}
