package io.duplex.internal;

import io.duplex.ProxyConfig;
import io.duplex.handshake.HandshakeException;
import io.duplex.handshake.HttpHead;
import io.duplex.handshake.HttpHeadLimits;
import io.duplex.handshake.HttpHeadParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A transport that first opens an HTTP {@code CONNECT} tunnel through a proxy, then hands over to
 * the transport inside it (plain, or TLS end to end with the WebSocket server).
 *
 * <p>Threading: confined to the connection's event loop.
 */
public final class ProxyTunnel extends TunnelTransport {
    private final ByteBuffer request;
    private final HttpHeadParser parser =
            new HttpHeadParser(new HttpHeadLimits(4096, 64, 8192), HttpHeadParser.Kind.RESPONSE);
    private final ByteBuffer response = ByteBuffer.allocate(1024);
    private boolean established;

    public ProxyTunnel(Transport inner, ProxyConfig proxy, String host, int port) {
        super(inner);
        String authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        StringBuilder sb = new StringBuilder()
                .append("CONNECT ")
                .append(authority)
                .append(" HTTP/1.1\r\nHost: ")
                .append(authority)
                .append("\r\n");
        if (proxy.username() != null) {
            String credentials = proxy.username() + ":" + proxy.password();
            sb.append("Proxy-Authorization: Basic ")
                    .append(Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                    .append("\r\n");
        }
        sb.append("\r\n");
        this.request = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    @Override
    public HandshakeStatus handshake() throws IOException {
        if (established) {
            return inner.handshake();
        }
        if (request.hasRemaining()) {
            channel().write(request);
            if (request.hasRemaining()) {
                return HandshakeStatus.NEED_WRITE;
            }
        }
        // Read byte-wise bounded chunks; the proxy sends nothing after its head until we speak.
        while (true) {
            response.clear();
            int n = channel().read(response);
            if (n < 0) {
                throw new IOException("proxy closed the connection during CONNECT");
            }
            if (n == 0) {
                return HandshakeStatus.NEED_READ;
            }
            response.flip();
            HttpHead head;
            try {
                head = parser.parse(response);
            } catch (HandshakeException e) {
                throw new IOException("malformed proxy response: " + e.getMessage(), e);
            }
            if (head == null) {
                continue;
            }
            int status = ((HttpHead.Response) head).status();
            if (status == 407) {
                throw new IOException("proxy authentication required (HTTP 407)");
            }
            if (status / 100 != 2) {
                throw new IOException("proxy refused the tunnel: HTTP " + status);
            }
            if (response.hasRemaining()) {
                throw new IOException("proxy sent data before the tunnel was used");
            }
            established = true;
            return inner.handshake();
        }
    }
}
