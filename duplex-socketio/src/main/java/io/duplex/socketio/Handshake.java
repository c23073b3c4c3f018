package io.duplex.socketio;

import io.duplex.handshake.Headers;
import io.duplex.handshake.QueryString;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;

/**
 * What a socket connected with: the headers, query and address of the Engine.IO session's first
 * request, and the auth payload of the namespace CONNECT packet.
 *
 * <p>Threading: immutable (the auth map is an unmodifiable copy).
 *
 * @param query the raw query string of the first request, or {@code null}
 * @param address the client's address: the socket's peer, or, behind the server's {@code
 *     TrustedProxies}, the client a trusted proxy named (the same address an upgrade's {@code
 *     clientAddress()} is); a forwarding header from any other peer is ignored
 * @param auth the CONNECT packet's auth object (empty when none was sent)
 */
public record Handshake(
        Headers headers, String query, InetSocketAddress address, Map<String, Object> auth, Instant issued) {

    public Handshake {
        auth = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(auth));
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
