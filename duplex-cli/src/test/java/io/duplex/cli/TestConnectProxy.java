package io.duplex.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal HTTP CONNECT proxy on 127.0.0.1 for tests: records each request head, optionally
 * demands Basic credentials (407 otherwise), then pipes bytes both ways. Every socket read is
 * bounded by a timeout so a broken test cannot hang.
 */
final class TestConnectProxy implements AutoCloseable {
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final ServerSocket server;
    private final String requiredAuthorization;

    /**
     * @param requiredAuthorization the exact Proxy-Authorization value to demand, or null
     */
    TestConnectProxy(String requiredAuthorization) throws IOException {
        this.requiredAuthorization = requiredAuthorization;
        this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread t = new Thread(this::acceptLoop, "test-proxy");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> handle(client), "test-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handle(Socket client) {
        try (client) {
            client.setSoTimeout(30_000);
            String head = readHead(client.getInputStream());
            requests.add(head);
            String[] first = head.split("\r\n")[0].split(" ");
            OutputStream out = client.getOutputStream();
            if (requiredAuthorization != null && !head.contains("Proxy-Authorization: " + requiredAuthorization)) {
                out.write("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                return;
            }
            String[] target = first[1].split(":");
            try (Socket upstream = new Socket()) {
                upstream.connect(new InetSocketAddress(target[0], Integer.parseInt(target[1])), 10_000);
                upstream.setSoTimeout(30_000);
                out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread down = new Thread(() -> pipe(upstream, client), "test-proxy-down");
                down.setDaemon(true);
                down.start();
                pipe(client, upstream);
                down.join(30_000);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // The test sees the effect on its connection.
        }
    }

    private static void pipe(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // One side went away: the other read ends too.
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("end of stream in the CONNECT head");
            }
            head.write(b);
            byte[] bytes = head.toByteArray();
            int n = bytes.length;
            if (n >= 4
                    && bytes[n - 4] == '\r'
                    && bytes[n - 3] == '\n'
                    && bytes[n - 2] == '\r'
                    && bytes[n - 1] == '\n') {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
