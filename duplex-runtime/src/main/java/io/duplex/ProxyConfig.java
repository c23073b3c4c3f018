package io.duplex;

import java.net.URI;
import java.util.Objects;

/**
 * A proxy the client tunnels through, for {@code ws://} and {@code wss://} alike; TLS to the
 * WebSocket server runs end to end through the tunnel. Two kinds: an HTTP proxy reached with {@code
 * CONNECT} (RFC 9110 §9.3.6; optional Basic credentials, RFC 7617, in {@code
 * Proxy-Authorization}), or a SOCKS5 proxy (RFC 1928; optional username/password, RFC 1929). Either
 * way the proxy resolves the server's host name.
 *
 * <p>Threading: immutable; safe to share.
 */
public record ProxyConfig(Type type, String host, int port, String username, String password) {

    /** How the tunnel is opened. */
    public enum Type {
        /** HTTP {@code CONNECT} (RFC 9110 §9.3.6). */
        HTTP,
        /** SOCKS5 {@code CONNECT} (RFC 1928 §4). */
        SOCKS5
    }

    public ProxyConfig {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("proxy port out of range: " + port);
        }
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("give both a proxy user name and a password, or neither");
        }
        if (type == Type.SOCKS5
                && username != null
                && (utf8Length(username) > 255 || utf8Length(password) > 255 || username.isEmpty())) {
            // RFC 1929 §2: ULEN and PLEN are one byte each; an empty name cannot authenticate.
            throw new IllegalArgumentException("SOCKS5 user name and password must be 1-255 bytes");
        }
    }

    private static int utf8Length(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    /** An HTTP CONNECT proxy (the four-argument form, as before SOCKS5). */
    public ProxyConfig(String host, int port, String username, String password) {
        this(Type.HTTP, host, port, username, password);
    }

    /** A SOCKS5 proxy without authentication. */
    public static ProxyConfig socks5(String host, int port) {
        return new ProxyConfig(Type.SOCKS5, host, port, null, null);
    }

    public static ProxyConfig of(String host, int port) {
        return new ProxyConfig(host, port, null, null);
    }

    public ProxyConfig withCredentials(String username, String password) {
        return new ProxyConfig(type, host, port, username, password);
    }

    /**
     * Parses {@code http://[user:password@]host:port} or {@code socks5://[user:password@]host:port}
     * ({@code socks5h://} too: the proxy always resolves the host); no scheme means http. Escaped
     * characters in the credentials ({@code %40}) are decoded.
     */
    public static ProxyConfig parse(String uri) {
        URI u = URI.create(uri.contains("://") ? uri : "http://" + uri);
        String scheme = u.getScheme().toLowerCase(java.util.Locale.ROOT);
        Type type =
                switch (scheme) {
                    case "http" -> Type.HTTP;
                    case "socks5", "socks5h" -> Type.SOCKS5;
                    default ->
                        throw new IllegalArgumentException("proxy scheme must be http, socks5 or socks5h: " + scheme);
                };
        if (u.getHost() == null || u.getPort() == -1) {
            throw new IllegalArgumentException("proxy must be host:port, e.g. http://proxy:3128");
        }
        String info = u.getUserInfo();
        if (info == null) {
            return new ProxyConfig(type, u.getHost(), u.getPort(), null, null);
        }
        int colon = info.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("proxy credentials must be user:password");
        }
        return new ProxyConfig(type, u.getHost(), u.getPort(), info.substring(0, colon), info.substring(colon + 1));
    }
}
