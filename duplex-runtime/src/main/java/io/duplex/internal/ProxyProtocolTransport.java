package io.duplex.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A server transport that first reads the PROXY protocol header a trusted load balancer puts in
 * front of the connection (HAProxy's "PROXY protocol" specification, version 1 text §2.1 and
 * version 2 binary §2.2), records the source address it names, then hands over to the transport
 * inside (plain, or TLS: the header comes before the ClientHello).
 *
 * <p>Strict limits: a v1 line is at most 107 bytes (§2.1); a v2 header's address block and TLVs
 * at most {@link #MAX_V2_LENGTH} bytes (checked on the declared length before anything is
 * allocated, invariant 7); the whole header must arrive within the handshake timeout. It never
 * reads past the header, so the bytes after it reach the inner transport untouched: the v1 line
 * is read a byte at a time after its shortest possible prefix (v2 costs two reads). A malformed
 * header fails the connection with {@link Malformed}: the specification has the receiver drop
 * the connection, it is not an HTTP stream yet, so no response is written.
 *
 * <p>Threading: confined to the connection's event loop.
 */
final class ProxyProtocolTransport implements Transport {
    private static final System.Logger LOG = System.getLogger(ProxyProtocolTransport.class.getName());
    /** §2.1: "a 108-byte buffer" holds the longest v1 line and its terminating NUL. */
    static final int MAX_V1 = 107;
    /** Our bound on a v2 header's declared length (addresses and TLVs); longer ones are refused. */
    static final int MAX_V2_LENGTH = 2048;
    /** The shortest valid header of either version: {@code "PROXY UNKNOWN\r\n"}. */
    private static final int SHORTEST = 15;

    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);

    /** A PROXY header that breaks the specification or our limits. */
    static final class Malformed extends IOException {
        Malformed(String message) {
            super("malformed PROXY protocol header: " + message);
        }
    }

    private final Transport inner;
    private final ClientAddress client;
    private ByteBuffer head = ByteBuffer.allocate(SHORTEST);
    private boolean done;

    ProxyProtocolTransport(Transport inner, ClientAddress client) {
        this.inner = inner;
        this.client = client;
    }

    @Override
    public SocketChannel channel() {
        return inner.channel();
    }

    @Override
    public HandshakeStatus handshake() throws IOException {
        if (done) {
            return inner.handshake();
        }
        try {
            while (!done) {
                int n = channel().read(head);
                if (n < 0) {
                    throw new Malformed("connection closed inside the header");
                }
                if (n == 0) {
                    return HandshakeStatus.NEED_READ;
                }
                if (!head.hasRemaining()) {
                    advance();
                }
            }
        } catch (Malformed e) {
            LOG.log(Level.WARNING, "closing a connection from {0}: {1}", client.socketPeer(), e.getMessage());
            throw e;
        }
        head = null;
        return inner.handshake();
    }

    /** The buffer is full: decide, and either finish or set how much more to read. */
    private void advance() throws Malformed {
        int have = head.position();
        if (startsWith(V2_SIGNATURE)) {
            if (have < 16) {
                grow(16, 16);
            } else if (have == 16) {
                int length = head.getShort(14) & 0xffff;
                if (length > MAX_V2_LENGTH) {
                    throw new Malformed("v2 length " + length + " over the limit of " + MAX_V2_LENGTH);
                }
                if (length == 0) {
                    v2();
                } else {
                    grow(16 + length, 16 + length);
                }
            } else {
                v2();
            }
        } else if (startsWith(V1_PREFIX)) {
            if (have >= 2 && head.get(have - 2) == '\r' && head.get(have - 1) == '\n') {
                v1(new String(head.array(), 0, have - 2, StandardCharsets.US_ASCII));
            } else if (have >= MAX_V1) {
                throw new Malformed("v1 line longer than " + MAX_V1 + " bytes");
            } else {
                grow(have + 1, MAX_V1);
            }
        } else {
            throw new Malformed("no PROXY signature");
        }
    }

    private boolean startsWith(byte[] prefix) {
        int n = Math.min(prefix.length, head.position());
        for (int i = 0; i < n; i++) {
            if (head.get(i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Continues reading until {@code size} bytes are in (never past the header's end). */
    private void grow(int size, int capacity) {
        if (size > head.capacity()) {
            ByteBuffer bigger = ByteBuffer.allocate(capacity);
            head.flip();
            bigger.put(head);
            head = bigger;
        }
        head.limit(size);
    }

    /** §2.1: "PROXY" SP ("TCP4" | "TCP6" | "UNKNOWN" ...) SP src SP dst SP srcport SP dstport. */
    private void v1(String line) throws Malformed {
        String[] parts = line.split(" ", -1);
        if (parts.length >= 2 && parts[1].equals("UNKNOWN")) {
            // §2.1: the receiver must ignore the rest of the line and use the real connection's addresses.
            done = true;
            return;
        }
        if (parts.length != 6 || !(parts[1].equals("TCP4") || parts[1].equals("TCP6"))) {
            throw new Malformed("v1 line is not PROXY TCP4|TCP6 src dst sport dport");
        }
        InetAddress source = IpLiteral.parse(parts[2]);
        InetAddress destination = IpLiteral.parse(parts[3]);
        boolean six = parts[1].equals("TCP6");
        if (source == null
                || destination == null
                || (parts[2].indexOf(':') >= 0) != six
                || (parts[3].indexOf(':') >= 0) != six) {
            throw new Malformed("v1 addresses do not match " + parts[1]);
        }
        int port = port(parts[4]);
        port(parts[5]);
        client.proxied(new InetSocketAddress(source, port));
        done = true;
    }

    private static int port(String s) throws Malformed {
        // §2.1: a decimal port, 0 to 65535, without leading zeros.
        if (s.isEmpty()
                || s.length() > 5
                || (s.length() > 1 && s.charAt(0) == '0')
                || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new Malformed("bad v1 port");
        }
        int p = Integer.parseInt(s);
        if (p > 65535) {
            throw new Malformed("bad v1 port");
        }
        return p;
    }

    /** §2.2: version and command, family and transport, length, addresses, TLVs (skipped). */
    private void v2() throws Malformed {
        int verCmd = head.get(12) & 0xff;
        if ((verCmd >> 4) != 2) {
            throw new Malformed("v2 version " + (verCmd >> 4));
        }
        int command = verCmd & 0x0f;
        int family = head.get(13) & 0xff;
        int length = head.getShort(14) & 0xffff;
        if (command == 0) {
            // LOCAL: the balancer's own connection (a health check); the socket's peer stands.
            done = true;
            return;
        }
        if (command != 1) {
            throw new Malformed("v2 command " + command);
        }
        switch (family) {
            case 0x11 -> client.proxied(address(16, 4, 24, length, 12)); // TCP over IPv4
            case 0x21 -> client.proxied(address(16, 16, 48, length, 36)); // TCP over IPv6
            case 0x00, 0x31 -> {
                // UNSPEC, or a UNIX stream socket: no IP to take; the socket's peer stands (§2.2).
            }
            default ->
                throw new Malformed(
                        "v2 family/transport 0x" + Integer.toHexString(family) + " is not a stream we serve");
        }
        done = true;
    }

    private InetSocketAddress address(int at, int size, int portAt, int length, int need) throws Malformed {
        if (length < need) {
            throw new Malformed("v2 address block shorter than its family needs");
        }
        byte[] bytes = new byte[size];
        head.get(at, bytes);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes), head.getShort(portAt) & 0xffff);
        } catch (UnknownHostException e) {
            throw new Malformed("v2 address"); // cannot happen: 4 or 16 bytes
        }
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
        return done && inner.hasBufferedReads();
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
    public void closeAfterDeregistration(EventLoop loop) {
        inner.closeAfterDeregistration(loop);
    }

    @Override
    public String tlsProtocol() {
        return inner.tlsProtocol();
    }
}
