package io.duplex.internal;

import io.duplex.ProxyConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A transport that first opens a SOCKS5 tunnel (RFC 1928 {@code CONNECT}, with no authentication
 * or username/password, RFC 1929) before handing over to the transport inside it (plain, or TLS end
 * to end with the WebSocket server). The host name goes to the proxy as a domain name (ATYP 3), so
 * the proxy resolves it, as with HTTP {@code CONNECT}; an IP literal goes as an address. The
 * handshake timeout of the connection bounds the whole exchange (invariant 3).
 *
 * <p>Threading: confined to the connection's event loop.
 */
public final class Socks5Tunnel implements Transport {
    private static final int NO_AUTH = 0x00;
    private static final int USER_PASSWORD = 0x02;

    private enum Step {
        GREETING,
        AUTH,
        CONNECT,
        DONE
    }

    private final Transport inner;
    private final ProxyConfig proxy;
    private final String host;
    private final int port;
    /** What we write next; empty once written. */
    private ByteBuffer out;
    /** Replies are short (at most 4 + 1 + 255 + 2 bytes): read into one buffer, parsed when whole. */
    private final ByteBuffer in = ByteBuffer.allocate(262);

    private Step step = Step.GREETING;

    public Socks5Tunnel(Transport inner, ProxyConfig proxy, String host, int port) {
        this.inner = inner;
        this.proxy = proxy;
        this.host = host;
        this.port = port;
        // RFC 1928 §3: VER=5, NMETHODS, METHODS. Offer only what we can do.
        this.out = proxy.username() != null
                ? ByteBuffer.wrap(new byte[] {5, 2, NO_AUTH, USER_PASSWORD})
                : ByteBuffer.wrap(new byte[] {5, 1, NO_AUTH});
    }

    @Override
    public SocketChannel channel() {
        return inner.channel();
    }

    @Override
    public HandshakeStatus handshake() throws IOException {
        while (step != Step.DONE) {
            if (out.hasRemaining()) {
                channel().write(out);
                if (out.hasRemaining()) {
                    return HandshakeStatus.NEED_WRITE;
                }
            }
            int n = channel().read(in);
            if (n < 0) {
                throw new IOException("SOCKS5 proxy closed the connection during its handshake");
            }
            if (!replyComplete()) {
                if (!in.hasRemaining()) {
                    throw new IOException("SOCKS5 proxy reply too long");
                }
                return HandshakeStatus.NEED_READ;
            }
            onReply();
        }
        return inner.handshake();
    }

    /** Whether {@link #in} holds the whole reply of the current step. */
    private boolean replyComplete() throws IOException {
        int have = in.position();
        return switch (step) {
            case GREETING, AUTH -> have >= 2;
            case CONNECT -> have >= 5 && have >= connectReplyLength();
            case DONE -> true;
        };
    }

    /** RFC 1928 §6: VER REP RSV ATYP BND.ADDR BND.PORT; the address length depends on ATYP. */
    private int connectReplyLength() throws IOException {
        return switch (in.get(3)) {
            case 1 -> 4 + 4 + 2;
            case 4 -> 4 + 16 + 2;
            case 3 -> 4 + 1 + (in.get(4) & 0xFF) + 2;
            default -> in.get(1) != 0 ? 2 : fail("SOCKS5 proxy reply with an unknown address type");
        };
    }

    private void onReply() throws IOException {
        int length = step == Step.CONNECT ? connectReplyLength() : 2;
        if (in.position() > length) {
            // Nothing may come before the tunnel is used: the proxy talks only when spoken to.
            throw new IOException("SOCKS5 proxy sent data before the tunnel was used");
        }
        int version = in.get(0);
        int code = in.get(1) & 0xFF;
        in.clear();
        switch (step) {
            case GREETING -> {
                if (version != 5) {
                    fail("not a SOCKS5 proxy (version " + version + ")");
                }
                if (code == USER_PASSWORD && proxy.username() != null) {
                    out = authRequest();
                    step = Step.AUTH;
                } else if (code == NO_AUTH) {
                    out = connectRequest();
                    step = Step.CONNECT;
                } else {
                    fail(
                            proxy.username() == null
                                    ? "SOCKS5 proxy requires authentication (RFC 1928 §3: no acceptable method)"
                                    : "SOCKS5 proxy accepts none of our authentication methods");
                }
            }
            case AUTH -> {
                // RFC 1929 §2: VER=1, STATUS=0 on success.
                if (version != 1 || code != 0) {
                    fail("SOCKS5 proxy authentication failed (RFC 1929 status " + code + ")");
                }
                out = connectRequest();
                step = Step.CONNECT;
            }
            case CONNECT -> {
                if (version != 5 || code != 0) {
                    fail("SOCKS5 proxy refused the tunnel: " + replyText(code));
                }
                step = Step.DONE;
            }
            case DONE -> throw new IllegalStateException();
        }
    }

    /** RFC 1929 §2: VER=1, ULEN, UNAME, PLEN, PASSWD (lengths checked by {@link ProxyConfig}). */
    private ByteBuffer authRequest() {
        byte[] user = proxy.username().getBytes(StandardCharsets.UTF_8);
        byte[] password = proxy.password().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(1);
        b.write(user.length);
        b.writeBytes(user);
        b.write(password.length);
        b.writeBytes(password);
        return ByteBuffer.wrap(b.toByteArray());
    }

    /** RFC 1928 §4: VER=5, CMD=1 (CONNECT), RSV, ATYP, DST.ADDR, DST.PORT. */
    private ByteBuffer connectRequest() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {5, 1, 0});
        byte[] literal = ipLiteral(host);
        if (literal != null) {
            b.write(literal.length == 4 ? 1 : 4);
            b.writeBytes(literal);
        } else {
            byte[] name = host.getBytes(StandardCharsets.US_ASCII);
            if (name.length > 255) {
                fail("host name too long for SOCKS5 (255 bytes)");
            }
            b.write(3);
            b.write(name.length);
            b.writeBytes(name);
        }
        b.write(port >>> 8);
        b.write(port & 0xFF);
        return ByteBuffer.wrap(b.toByteArray());
    }

    /** The address bytes of an IPv4 or IPv6 literal, or null for a name (never resolved here). */
    private static byte[] ipLiteral(String host) {
        boolean v4 = host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = host.indexOf(':') >= 0;
        if (!v4 && !v6) {
            return null;
        }
        try {
            // A literal: getByName parses it without a lookup.
            return InetAddress.getByName(host).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String replyText(int code) {
        return switch (code) {
            case 1 -> "general SOCKS server failure";
            case 2 -> "connection not allowed by ruleset";
            case 3 -> "network unreachable";
            case 4 -> "host unreachable";
            case 5 -> "connection refused";
            case 6 -> "TTL expired";
            case 7 -> "command not supported";
            case 8 -> "address type not supported";
            default -> "reply " + code;
        };
    }

    private static int fail(String message) throws IOException {
        throw new IOException(message);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return inner.read(dst);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return inner.write(srcs, offset, length);
    }

    @Override
    public boolean flush() throws IOException {
        return inner.flush();
    }

    @Override
    public boolean hasPendingWrites() {
        return inner.hasPendingWrites();
    }

    @Override
    public boolean hasBufferedReads() {
        return inner.hasBufferedReads();
    }

    @Override
    public void shutdownOutput() {
        inner.shutdownOutput();
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public String tlsProtocol() {
        return inner.tlsProtocol();
    }
}
