package io.duplex;

import io.duplex.handshake.Headers;
import io.duplex.handshake.QueryString;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A validated WebSocket upgrade request, as the {@link Upgrader} sees it: where to look for
 * credentials (headers, cookies, query tokens) and what the client offered.
 *
 * <p>Threading: immutable; safe to share.
 *
 * @param query the raw query string without {@code ?}, or {@code null}
 * @param remoteAddress the socket's peer: the client itself, or a proxy or load balancer
 * @param origin the {@code Origin} header, or {@code null} for non-browser clients
 * @param clientAddress the client's address: the socket's peer, or, behind {@link TrustedProxies},
 *     the address a trusted PROXY protocol header or forwarding header named (port 0 when the
 *     header gave none)
 */
public record UpgradeRequest(
        String path,
        String query,
        Headers headers,
        InetSocketAddress remoteAddress,
        String origin,
        List<String> offeredSubprotocols,
        String selectedSubprotocol,
        InetSocketAddress clientAddress) {

    /** A request whose client is the socket's peer. */
    public UpgradeRequest(
            String path,
            String query,
            Headers headers,
            InetSocketAddress remoteAddress,
            String origin,
            List<String> offeredSubprotocols,
            String selectedSubprotocol) {
        this(path, query, headers, remoteAddress, origin, offeredSubprotocols, selectedSubprotocol, remoteAddress);
    }

    /** The first value of a query parameter, URL-decoded, or {@code null}. */
    public String queryParameter(String name) {
        return QueryString.first(query, name);
    }

    /** The value of a cookie from the {@code Cookie} header(s), or {@code null} (RFC 6265 §5.4). */
    public String cookie(String name) {
        return headers.cookie(name);
    }
}
