package io.duplex.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small real HTTP CONNECT proxy for tests (RFC 9110 §9.3.6), with optional Basic authentication:
 * reads the request head, answers 200, 405 or 407, then pipes bytes both ways on two threads. It
 * listens on the loopback address and an ephemeral {@link #port()}, records every request head in
 * {@link #requests} and counts the tunnels it opened in {@link #tunnels}.
 *
 * <pre>{@code
 * try (ConnectProxy proxy = new ConnectProxy("user", "secret")) {
 *     // connect through 127.0.0.1:proxy.port() with Proxy-Authorization: Basic dXNlcjpzZWNyZXQ=
 *     assertThat(proxy.tunnels.get()).isEqualTo(1);
 * }
 * }</pre>
 *
 * <p>Threading: the proxy runs on its own threads; {@link #tunnels}, {@link #requests} and {@link
 * #lastRequestLine} are safe to read from the test thread.
 */
public final class ConnectProxy implements AutoCloseable {
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final String expectedAuth;
    /** How many tunnels were established (200 answered). */
    public final AtomicInteger tunnels = new AtomicInteger();
    /** Every request head received, in order (request line and headers, CRLF-separated). */
    public final List<String> requests = new CopyOnWriteArrayList<>();
    /** The request line of the latest request. */
    public volatile String lastRequestLine;

    /** A proxy that demands no credentials. */
    public ConnectProxy() throws IOException {
        this(null, null);
    }

    /**
     * @param user the Basic user to demand (407 without it), or null for none
     * @param password the Basic password
     */
    public ConnectProxy(String user, String password) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        expectedAuth = user == null
                ? null
                : "Basic "
                        + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        threads.execute(this::acceptLoop);
    }

    /** The port it listens on (on the loopback address). */
    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                threads.execute(() -> handle(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handle(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            String head = readHead(in);
            requests.add(head);
            String[] lines = head.split("\r\n");
            lastRequestLine = lines[0];
            String[] parts = lines[0].split(" ");
            OutputStream out = client.getOutputStream();
            if (parts.length != 3 || !parts[0].equals("CONNECT")) {
                out.write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                return;
            }
            if (expectedAuth != null && !hasHeader(lines, "proxy-authorization", expectedAuth)) {
                out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"t\"\r\n"
                                + "Content-Length: 0\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                return;
            }
            String authority = parts[1];
            int colon = authority.lastIndexOf(':');
            String host = authority.substring(0, colon).replace("[", "").replace("]", "");
            int port = Integer.parseInt(authority.substring(colon + 1));
            try (Socket upstream = new Socket(host, port)) {
                out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                tunnels.incrementAndGet();
                threads.execute(() -> pipe(upstream, client));
                pipe(client, upstream);
            }
        } catch (IOException e) {
            // the test sees the outcome on the client
        }
    }

    private static boolean hasHeader(String[] lines, String name, String value) {
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0
                    && lines[i].substring(0, colon)
                            .trim()
                            .toLowerCase(Locale.ROOT)
                            .equals(name)
                    && lines[i].substring(colon + 1).trim().equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("eof in head");
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2))
                    ? state + 1
                    : (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static void pipe(Socket from, Socket to) {
        byte[] buf = new byte[16384];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // one side closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
