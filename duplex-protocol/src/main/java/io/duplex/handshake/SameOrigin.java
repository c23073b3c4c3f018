package io.duplex.handshake;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * {@link OriginPolicy#sameOrigin()}: compares the {@code Origin} serialization ({@code
 * scheme://host[:port]}, RFC 6454 §6.2) with the {@code Host} header (RFC 7230 §5.4).
 *
 * <p>Threading: stateless; safe to share.
 */
final class SameOrigin implements OriginPolicy {
    static final SameOrigin INSTANCE = new SameOrigin();

    private SameOrigin() {}

    @Override
    public boolean allows(String origin, String host) {
        return allows(origin, host, false);
    }

    @Override
    public boolean allows(String origin, String host, boolean secure) {
        if (origin == null) {
            return true;
        }
        URI uri = parseOrigin(origin);
        if (uri == null || host == null) {
            return false;
        }
        if (secure && !"https".equalsIgnoreCase(uri.getScheme())) {
            return false; // RFC 6454 §5: http://h and https://h are different origins
        }
        int defaultPort = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        int originPort = uri.getPort() == -1 ? defaultPort : uri.getPort();
        int colon = hostNameEnd(host);
        String originHost = uri.getHost();
        if (colon < 1 || colon != originHost.length() || !host.regionMatches(true, 0, originHost, 0, colon)) {
            return false;
        }
        int hostPort = colon == host.length() ? defaultPort : port(host, colon);
        return hostPort == originPort;
    }

    /**
     * An origin serialization: {@code http} or {@code https}, a host, maybe a port, and nothing
     * else (no user info, path, query or fragment). Returns {@code null} otherwise; the opaque
     * origin {@code null} has no scheme and is refused here.
     */
    private static URI parseOrigin(String origin) {
        URI uri;
        try {
            uri = new URI(origin);
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean web = scheme.equals("http") || scheme.equals("https");
        boolean bare = uri.getRawUserInfo() == null
                && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                && uri.getRawQuery() == null
                && uri.getRawFragment() == null;
        return web && bare && uri.getHost() != null ? uri : null;
    }

    /**
     * Where the host name of a {@code Host} value ends: at its port colon or at the end. An IPv6
     * literal keeps its brackets, as {@link URI#getHost()} does. Returns -1 when malformed.
     */
    private static int hostNameEnd(String host) {
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close < 0 ? -1 : close + 1;
        }
        int colon = host.indexOf(':');
        return colon < 0 ? host.length() : colon;
    }

    /** The port after {@code host[colon]}, which must be ':' then 1 to 5 digits; -1 otherwise. */
    private static int port(String host, int colon) {
        int digits = host.length() - colon - 1;
        if (host.charAt(colon) != ':' || digits < 1 || digits > 5) {
            return -1;
        }
        int port = 0;
        for (int i = colon + 1; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!HttpGrammar.isDigit(c)) {
                return -1;
            }
            port = port * 10 + (c - '0');
        }
        return port;
    }
}
