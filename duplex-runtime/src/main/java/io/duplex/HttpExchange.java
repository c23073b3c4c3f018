package io.duplex;

import io.duplex.handshake.Headers;
import io.duplex.handshake.QueryString;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * One HTTP/1.1 request handed to an {@link HttpHandler}, and its one response. The body was read
 * whole before the handler is called, bounded by {@link WebSocketServer.Builder#maxHttpBody}
 * (over it the server answers 413 itself); only {@code Content-Length} bodies are accepted.
 *
 * <p>Threading: the request accessors are immutable values, safe from any thread. {@link
 * #respond} may be called from any thread, exactly once; the connection's event loop writes the
 * response, then reads the connection's next request (HTTP/1.1 keep-alive) unless either side
 * asked to close.
 */
public interface HttpExchange {
    /** The request method, e.g. {@code GET}. */
    String method();

    /** The request path, without the query (not decoded). */
    String path();

    /** The raw query string without {@code ?}, or {@code null}. */
    String query();

    Headers headers();

    /** The socket's peer: behind a proxy or load balancer, the proxy (see {@link #clientAddress()}). */
    InetSocketAddress remoteAddress();

    /**
     * The client this request is from, resolved as for a WebSocket upgrade ({@link
     * UpgradeRequest#clientAddress()}): the source a trusted load balancer's PROXY protocol header
     * named, then the {@code Forwarded} (RFC 7239) or {@code X-Forwarded-For} entries trusted
     * proxies appended ({@link TrustedProxies}); otherwise the socket's peer. Resolved for each
     * request, since a proxy may send several clients' requests over one kept-alive connection. The
     * default is {@link #remoteAddress()}, for exchanges not made by the server.
     */
    default InetSocketAddress clientAddress() {
        return remoteAddress();
    }

    /** The request body (empty when there is none); a fresh copy per call. */
    byte[] body();

    /**
     * Sends the response: the status line, {@code headers}, {@code Content-Length} and {@code
     * Connection} (both set here; the handler must not set them), then {@code body} (not for
     * {@code HEAD}).
     *
     * @return false when the client is gone already (nothing is written)
     * @throws IllegalStateException when called a second time
     * @throws IllegalArgumentException for a status outside 200–599 or a header set here
     */
    boolean respond(int status, Headers headers, byte[] body);

    /**
     * Runs {@code callback} once if the connection ends before the response is written (the client
     * went away while a long poll was held, the server stopped, a timeout). Runs at once if the
     * connection is gone already. The callback runs on the event loop and must not block.
     */
    void onDisconnect(Runnable callback);

    /** Whether the response was sent (or at least handed to the loop). */
    boolean responded();

    /** The first value of a query parameter, URL-decoded, or {@code null}. */
    default String queryParameter(String name) {
        List<String> all = queryParameters(name);
        return all.isEmpty() ? null : all.get(0);
    }

    /** Every value of a query parameter, URL-decoded, in order. */
    default List<String> queryParameters(String name) {
        return QueryString.values(query(), name);
    }

    /** The value of a cookie from the {@code Cookie} header(s), or {@code null} (RFC 6265 §5.4). */
    default String cookie(String name) {
        return headers().cookie(name);
    }
}
