package io.duplex.cli.inspect;

import io.duplex.handshake.ClientHandshake;
import io.duplex.handshake.Headers;
import io.duplex.handshake.HttpHead;
import io.duplex.handshake.HttpHeadLimits;
import io.duplex.handshake.HttpHeadParser;
import io.duplex.handshake.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The opening-handshake side of {@code duplex inspect}'s relay, on blocking sockets and the
 * sans-I/O handshake classes: reading an HTTP head, the upstream request built from the client's
 * (same path, query, subprotocol offers and end-to-end headers; no extensions), the upstream
 * response fields passed back, and the upstream connection itself (TCP, and TLS with hostname
 * verification for {@code wss://}).
 *
 * <p>Threading: stateless.
 */
final class InspectHandshake {
    /** Request and response fields that describe one hop, or the handshake itself (RFC 7230 §6.1). */
    private static final Set<String> NOT_FORWARDED = Set.of(
            "host",
            "upgrade",
            "connection",
            "keep-alive",
            "proxy-connection",
            "proxy-authorization",
            "proxy-authenticate",
            "te",
            "trailer",
            "transfer-encoding",
            "content-length",
            "origin",
            "sec-websocket-key",
            "sec-websocket-version",
            "sec-websocket-accept",
            "sec-websocket-protocol",
            "sec-websocket-extensions");

    private InspectHandshake() {}

    /** Reads an HTTP head; bytes after it stay in {@code buffer} (flipped later). Null on EOF. */
    static HttpHead readHead(InputStream in, ByteBuffer buffer, HttpHeadParser.Kind kind) throws IOException {
        HttpHeadParser parser = new HttpHeadParser(HttpHeadLimits.DEFAULT, kind);
        while (true) {
            int n = in.read(buffer.array(), 0, buffer.capacity());
            if (n < 0) {
                return null;
            }
            buffer.clear().limit(n);
            HttpHead head = parser.parse(buffer);
            if (head != null) {
                buffer.compact(); // keep what followed the head, ready for flip()
                return head;
            }
        }
    }

    /** The upstream URL's path, then the client's path (and query). */
    static URI target(URI base, Outcome.Accepted a) {
        String prefix = base.getRawPath() == null ? "" : base.getRawPath();
        if (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        return URI.create(base.getScheme() + "://" + base.getRawAuthority() + prefix + a.path()
                + (a.query() != null ? "?" + a.query() : ""));
    }

    static ClientHandshake request(URI target, Outcome.Accepted a) {
        ClientHandshake.Builder b = ClientHandshake.builder(target).subprotocols(a.offeredSubprotocols());
        if (a.origin() != null) {
            b.origin(a.origin());
        }
        Set<String> connectionTokens = new HashSet<>();
        for (String t : a.headers().tokens("Connection")) {
            connectionTokens.add(t.toLowerCase(Locale.ROOT));
        }
        for (Headers.Field f : a.headers().fields()) {
            String name = f.name().toLowerCase(Locale.ROOT);
            if (!NOT_FORWARDED.contains(name) && !connectionTokens.contains(name)) {
                b.header(f.name(), f.value());
            }
        }
        // No extensions: permessage-deflate is not offered, so every frame stays readable.
        return b.build();
    }

    /** Upstream response fields worth passing to the client (cookies, server-specific ones). */
    static Headers forwardable(Headers response) {
        Headers.Builder b = Headers.builder();
        for (Headers.Field f : response.fields()) {
            if (!NOT_FORWARDED.contains(f.name().toLowerCase(Locale.ROOT))) {
                b.add(f.name(), f.value());
            }
        }
        return b.build();
    }

    static Socket open(InspectRelay.Upstream upstream, URI target, int timeout) throws IOException {
        boolean secure = target.getScheme().equalsIgnoreCase("wss");
        String host = target.getHost();
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        int port = target.getPort() != -1 ? target.getPort() : secure ? 443 : 80;
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(bare, port), timeout);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeout);
            if (!secure) {
                return socket;
            }
            SSLSocket tls = (SSLSocket) upstream.tls().createSocket(socket, bare, port, true);
            SSLParameters parameters = tls.getSSLParameters();
            if (upstream.verifyHost()) {
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
            }
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            tls.setSSLParameters(parameters);
            tls.setSoTimeout(timeout);
            tls.startHandshake();
            return tls;
        } catch (IOException | RuntimeException e) {
            try {
                socket.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    static String describe(Outcome.Accepted a, ClientHandshake.Result result) {
        StringBuilder sb = new StringBuilder();
        if (result.subprotocol() != null) {
            sb.append(" (subprotocol ").append(result.subprotocol()).append(')');
        }
        List<String> extensions = a.headers().all("Sec-WebSocket-Extensions");
        if (!extensions.isEmpty()) {
            sb.append(" (extensions not forwarded: ")
                    .append(String.join(", ", extensions))
                    .append(')');
        }
        return sb.toString();
    }

    static String describe(IOException e) {
        String kind = e instanceof java.net.ConnectException
                ? "connection refused"
                : e.getClass().getSimpleName();
        return e.getMessage() == null ? kind : kind + ": " + e.getMessage();
    }
}
