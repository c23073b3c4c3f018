package io.duplex.hostile;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A misbehaving peer on a blocking {@link Socket}: it writes exactly the bytes a test asks for
 * (hex fixtures, half a request, frames no library would build) and reads what comes back, every
 * read bounded by a socket timeout. A copy, extended, of {@code io.duplex.RawClient}, which is
 * package-private to {@code io.duplex}.
 *
 * <p>Threading: one thread reads; another may write (a flood while the test reads the answer).
 */
final class HostilePeer implements Closeable {
    static final Duration WAIT = Duration.ofSeconds(10);

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** One frame as read (from a server: never masked, RFC 6455 §5.1). */
    record Frame(int b0, boolean masked, byte[] payload) {
        int opcode() {
            return b0 & 0x0F;
        }

        boolean fin() {
            return (b0 & 0x80) != 0;
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length < 2 ? 1005 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }
    }

    final Socket socket;
    final InputStream in;
    final OutputStream out;

    HostilePeer(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout((int) WAIT.toMillis());
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
    }

    static HostilePeer connect(int port) throws IOException {
        return connect(port, 0);
    }

    /** @param receiveBuffer SO_RCVBUF to ask for before connecting (a peer that reads little), or 0 */
    static HostilePeer connect(int port, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), (int) WAIT.toMillis());
        return new HostilePeer(s);
    }

    int localPort() {
        return socket.getLocalPort();
    }

    // ------------------------------------------------------------------ HTTP

    /** The header lines of a valid upgrade request (no request line, no final CRLF). */
    static List<String> validHeaders(int port) {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        List<String> h = new ArrayList<>();
        h.add("Host: 127.0.0.1:" + port);
        h.add("Upgrade: websocket");
        h.add("Connection: Upgrade");
        h.add("Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key));
        h.add("Sec-WebSocket-Version: 13");
        return h;
    }

    /** A request head from a request line and header lines. */
    static String head(String requestLine, List<String> headers) {
        StringBuilder sb = new StringBuilder(requestLine).append("\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    /** A valid upgrade request for {@code path} plus extra header lines. */
    static String upgradeRequest(String path, int port, String... extra) {
        List<String> h = validHeaders(port);
        h.addAll(List.of(extra));
        return head("GET " + path + " HTTP/1.1", h);
    }

    /** Sends a valid upgrade request and returns the response head. */
    String upgrade(String path, String... extra) throws IOException {
        write(upgradeRequest(path, socket.getPort(), extra));
        return readHead();
    }

    /** Reads up to and including the blank line that ends an HTTP head. */
    String readHead() throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed in the response head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    // ------------------------------------------------------------------ writing

    void write(String ascii) throws IOException {
        write(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void writeHex(String hex) throws IOException {
        write(hex(hex));
    }

    /** Hex with optional spaces: {@code "81 82 00000000 6869"}. */
    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    /**
     * One frame with the length minimally encoded, masked with a random key (a client) or not.
     *
     * @param b0 FIN, RSV bits and opcode as they go on the wire
     */
    static byte[] frame(int b0, byte[] payload, boolean mask) {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write(b0);
        int m = mask ? 0x80 : 0;
        int n = payload.length;
        if (n < 126) {
            f.write(m | n);
        } else if (n < 65536) {
            f.write(m | 126);
            f.write(n >>> 8);
            f.write(n);
        } else {
            f.write(m | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                f.write((int) ((long) n >>> shift));
            }
        }
        byte[] key = new byte[4];
        if (mask) {
            ThreadLocalRandom.current().nextBytes(key);
            f.write(key, 0, 4);
        }
        for (int i = 0; i < n; i++) {
            f.write(payload[i] ^ key[i & 3]);
        }
        return f.toByteArray();
    }

    /** A masked frame as a client sends it. */
    static byte[] masked(int b0, byte[] payload) {
        return frame(b0, payload, true);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] closePayload(int code, byte[] reason) {
        byte[] p = new byte[2 + reason.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(reason, 0, p, 2, reason.length);
        return p;
    }

    void sendFrame(int b0, byte[] payload) throws IOException {
        write(masked(b0, payload));
    }

    // ------------------------------------------------------------------ reading

    /** Reads one frame; throws on EOF or when none arrives within the socket timeout. */
    Frame readFrame() throws IOException {
        int b0 = readByte();
        int b1 = readByte();
        long n = b1 & 0x7F;
        if (n == 126) {
            n = (readByte() << 8) | readByte();
        } else if (n == 127) {
            n = 0;
            for (int i = 0; i < 8; i++) {
                n = (n << 8) | readByte();
            }
        }
        if (n > 16 << 20) {
            throw new IOException("frame of " + n + " bytes: not what any test expects");
        }
        byte[] key = new byte[4];
        boolean masked = (b1 & 0x80) != 0;
        if (masked && in.readNBytes(key, 0, 4) != 4) {
            throw new EOFException("connection closed inside a frame header");
        }
        byte[] payload = in.readNBytes((int) n);
        if (payload.length != n) {
            throw new EOFException("connection closed inside a frame");
        }
        for (int i = 0; i < n; i++) {
            payload[i] ^= key[i & 3];
        }
        return new Frame(b0, masked, payload);
    }

    /**
     * Reads frames up to the first Close and returns it, failing if any data frame comes first
     * (nothing may be echoed from a connection that is being failed).
     */
    Frame expectClose() throws IOException {
        while (true) {
            Frame f = readFrame();
            if (f.opcode() == CLOSE) {
                return f;
            }
            if (f.opcode() != PONG && f.opcode() != PING) {
                throw new AssertionError("expected a Close, got opcode " + f.opcode() + ": " + f.text());
            }
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed");
        }
        return b;
    }

    /** Everything until the server closes the connection. */
    String readToEnd() throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /**
     * Reads and discards until the other end ends the connection (FIN or RST).
     *
     * @return true when it ended within {@code within}
     */
    boolean awaitEnd(Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        byte[] sink = new byte[8192];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            socket.setSoTimeout((int) Math.max(1, left));
            try {
                if (in.read(sink) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (SocketException e) {
                return true; // reset: ended as well
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
