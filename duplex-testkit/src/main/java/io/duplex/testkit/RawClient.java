package io.duplex.testkit;

import io.duplex.handshake.AcceptKey;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
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
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A deliberately dumb, possibly hostile peer on a blocking {@link Socket}: it writes exactly the
 * bytes a test asks for (a handshake by hand, half a request, hex fixtures, frames no library would
 * build, then silence) and reads what comes back: the response head, frames, the close code, EOF.
 * Every read is bounded by a socket timeout ({@link Await#WAIT}); nothing sleeps.
 *
 * <pre>{@code
 * try (RawClient raw = RawClient.connect(server.port())) {
 *     assertThat(raw.upgrade("/ws")).startsWith("HTTP/1.1 101");
 *     raw.sendFrame(0x81, RawClient.utf8("hi"));          // FIN + text, masked
 *     assertThat(raw.readFrame().text()).isEqualTo("hi");
 *     raw.writeHex("88 80 00000000");                      // a Close, by hand
 *     assertThat(raw.expectClose().closeCode()).isEqualTo(1000);
 *     assertThat(raw.awaitEnd(Await.WAIT)).isTrue();
 * }
 * }</pre>
 *
 * <p>A client made by {@link #connect} rejects masked frames (servers never mask, RFC 6455 §5.1);
 * one made with {@link #RawClient(Socket)} around an accepted socket plays a server's peer role
 * for client tests and unmasks what it reads.
 *
 * <p>Threading: one thread reads; another may write (a flood while the test reads the answer).
 */
public final class RawClient implements Closeable {

    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    /** One frame as read (from a server: never masked, RFC 6455 §5.1). */
    public record Frame(int b0, boolean masked, byte[] payload) {
        public int opcode() {
            return b0 & 0x0F;
        }

        public boolean fin() {
            return (b0 & 0x80) != 0;
        }

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public int closeCode() {
            return payload.length < 2 ? 1005 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }
    }

    /** The socket, for tests that tune or half-close it. */
    public final Socket socket;
    /** The (buffered) input of the socket. */
    public final InputStream in;
    /** The output of the socket; {@link #write(byte[])} flushes it. */
    public final OutputStream out;

    private final boolean rejectMasked;

    /** Wraps an accepted socket (the peer of a client under test); frames read are unmasked. */
    public RawClient(Socket socket) throws IOException {
        this(socket, false, true);
    }

    private RawClient(Socket socket, boolean rejectMasked, boolean buffered) throws IOException {
        this.socket = socket;
        this.rejectMasked = rejectMasked;
        socket.setSoTimeout((int) Await.WAIT.toMillis());
        this.in = buffered ? new BufferedInputStream(socket.getInputStream(), 64 * 1024) : socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to {@code 127.0.0.1:port}; nothing is sent yet. Reads through a 64 KiB buffer. */
    public static RawClient connect(int port) throws IOException {
        return open(port, null, 0, true);
    }

    /**
     * Reads through a 64 KiB buffer (fast for floods).
     *
     * @param receiveBuffer SO_RCVBUF to ask for before connecting (a peer that reads little), or 0
     */
    public static RawClient connect(int port, int receiveBuffer) throws IOException {
        return open(port, null, receiveBuffer, true);
    }

    /**
     * Reads unbuffered: nothing is taken from the socket before the test reads it, so a peer that
     * does not read (a slow consumer) really leaves the bytes in the kernel.
     *
     * @param localAddress the address to connect from (any 127.0.0.0/8 address works on loopback),
     *     or null
     * @param receiveBuffer SO_RCVBUF to ask for before connecting (a slow consumer), or 0
     */
    public static RawClient connect(int port, InetAddress localAddress, int receiveBuffer) throws IOException {
        return open(port, localAddress, receiveBuffer, false);
    }

    private static RawClient open(int port, InetAddress localAddress, int receiveBuffer, boolean buffered)
            throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        if (localAddress != null) {
            s.bind(new InetSocketAddress(localAddress, 0));
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), (int) Await.WAIT.toMillis());
        return new RawClient(s, true, buffered);
    }

    /** The local port of the socket. */
    public int localPort() {
        return socket.getLocalPort();
    }

    // ------------------------------------------------------------------ HTTP

    /** The header lines of a valid upgrade request (no request line, no final CRLF). */
    public static List<String> validHeaders(int port) {
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
    public static String head(String requestLine, List<String> headers) {
        StringBuilder sb = new StringBuilder(requestLine).append("\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    /** A valid upgrade request for {@code path} plus extra header lines. */
    public static String upgradeRequest(String path, int port, String... extra) {
        List<String> h = validHeaders(port);
        h.addAll(List.of(extra));
        return head("GET " + path + " HTTP/1.1", h);
    }

    /** Sends a valid upgrade request and returns the response head. */
    public String upgrade(String path, String... extra) throws IOException {
        write(upgradeRequest(path, socket.getPort(), extra));
        return readHead();
    }

    /**
     * Sends a valid upgrade request and checks the answer: status 101 and the {@code
     * Sec-WebSocket-Accept} that matches the key sent (RFC 6455 §4.1). Frames may follow.
     *
     * @return the response head
     * @throws IOException if the server did not accept the upgrade
     */
    public String handshake(String path) throws IOException {
        String request = upgradeRequest(path, socket.getPort());
        String key = header(request, "sec-websocket-key");
        write(request);
        String head = readHead();
        if (!head.startsWith("HTTP/1.1 101 ") || !AcceptKey.of(key).equals(header(head, "sec-websocket-accept"))) {
            throw new IOException("the upgrade was not accepted: " + head);
        }
        return head;
    }

    private static String header(String head, String lowerCaseName) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0
                    && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(lowerCaseName)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** Reads up to and including the blank line that ends an HTTP head. */
    public String readHead() throws IOException {
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

    /** Reads one HTTP response: its head and then the {@code Content-Length} bytes of its body. */
    public String readResponse() throws IOException {
        String head = readHead();
        String length = header(head, "content-length");
        int n = length == null ? 0 : Integer.parseInt(length);
        return head + new String(in.readNBytes(n), StandardCharsets.ISO_8859_1);
    }

    // ------------------------------------------------------------------ writing

    public void write(String ascii) throws IOException {
        write(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public void writeHex(String hex) throws IOException {
        write(hex(hex));
    }

    /** Hex with optional spaces: {@code "81 82 00000000 6869"}. */
    public static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    /**
     * One frame with the length minimally encoded, masked with a random key (a client) or not.
     *
     * @param b0 FIN, RSV bits and opcode as they go on the wire
     */
    public static byte[] frame(int b0, byte[] payload, boolean mask) {
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
    public static byte[] masked(int b0, byte[] payload) {
        return frame(b0, payload, true);
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] closePayload(int code, byte[] reason) {
        byte[] p = new byte[2 + reason.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(reason, 0, p, 2, reason.length);
        return p;
    }

    /** Sends one frame masked with a random key; {@code b0} is FIN, RSV and opcode as on the wire. */
    public void sendFrame(int b0, byte[] payload) throws IOException {
        write(masked(b0, payload));
    }

    /** Sends one final (FIN) masked frame with this opcode (RFC 6455 §5.3: clients mask). */
    public void send(int opcode, byte[] payload) throws IOException {
        sendFrame(0x80 | opcode, payload);
    }

    /** Sends a masked Close frame with a code and a UTF-8 reason. */
    public void sendClose(int code, String reason) throws IOException {
        send(CLOSE, closePayload(code, utf8(reason)));
    }

    // ------------------------------------------------------------------ reading

    /** Reads one frame; throws on EOF or when none arrives within the socket timeout. */
    public Frame readFrame() throws IOException {
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
        if (masked && rejectMasked) {
            throw new IOException("server sent a masked frame");
        }
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
    public Frame expectClose() throws IOException {
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
    public String readToEnd() throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /**
     * Reads and discards until the other end ends the connection (FIN or RST).
     *
     * @return true when it ended within {@code within}
     */
    public boolean awaitEnd(Duration within) throws IOException {
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
