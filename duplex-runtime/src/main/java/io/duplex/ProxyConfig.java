package io.duplex;

import java.net.URI;
import java.util.Objects;

/**
 * An HTTP proxy reached with {@code CONNECT} (RFC 9110 §9.3.6), for {@code ws://} and {@code
 * wss://} alike; TLS to the WebSocket server runs end to end through the tunnel. Optional Basic
 * credentials (RFC 7617) go in {@code Proxy-Authorization}.
 *
 * <p>Threading: immutable; safe to share.
 */
public record ProxyConfig(String host, int port, String username, String password) {

    public ProxyConfig {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("proxy port out of range: " + port);
        }
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("give both a proxy user name and a password, or neither");
        }
    }

    public static ProxyConfig of(String host, int port) {
        return new ProxyConfig(host, port, null, null);
    }

    public ProxyConfig withCredentials(String username, String password) {
        return new ProxyConfig(host, port, username, password);
    }

    /** Parses {@code http://[user:password@]host:port}. */
    public static ProxyConfig parse(String uri) {
        URI u = URI.create(uri.contains("://") ? uri : "http://" + uri);
        if (u.getHost() == null || u.getPort() == -1) {
            throw new IllegalArgumentException("proxy must be host:port, e.g. http://proxy:3128");
        }
        String info = u.getUserInfo();
        if (info == null) {
            return of(u.getHost(), u.getPort());
        }
        int colon = info.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("proxy credentials must be user:password");
        }
        return new ProxyConfig(u.getHost(), u.getPort(), info.substring(0, colon), info.substring(colon + 1));
    }
}
