package io.duplex.socketio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test-only TCP load balancer in front of HTTP backends (Socket.IO nodes), as a layer-4 balancer
 * that looks at the first request of each connection: it listens on a loopback port the OS picks,
 * reads the request head of each accepted connection, picks a backend by its {@link Policy},
 * forwards the head and then pipes bytes both ways until the connection ends (a WebSocket upgrade
 * included). The Node {@code socket.io-client} opens a connection per polling request (its requests
 * say {@code Connection: close}), so a per-connection choice is a per-request choice there; {@link
 * #requestsAfterFirst} counts the connections that carried a second request anyway.
 *
 * <p>It records each connection as a {@link BalancerExchange} (its request, backend and the start
 * of the response: status, body, the sid a handshake issued). {@link Policy#STICKY_SID} learns sid →
 * backend from the Engine.IO open packet of each handshake response before forwarding its last
 * byte, so the client cannot send a request carrying that sid before the balancer knows where it
 * lives.
 *
 * <p>Bounded: a request head over {@link #MAX_HEAD} bytes or slower than {@link #HEAD_TIMEOUT}
 * ends its connection, a connection idle for {@link #IDLE_TIMEOUT} ends, at most {@link
 * #MAX_THREADS} threads (two per connection; a connection beyond them is closed and counted in
 * {@link #rejected}).
 *
 * <p>Threading: one accept thread and two daemon threads per connection, from a cached pool;
 * {@link #exchanges}, the counters and {@link #close()} may be used from any thread. {@code close}
 * stops accepting, closes every socket and waits a bounded time for the threads.
 */
final class TestBalancer implements AutoCloseable {
    /** How the backend of a connection is chosen. */
    enum Policy {
        /** The next backend for each connection, whatever it carries. */
        ROUND_ROBIN,
        /**
         * The backend whose handshake response issued the request's {@code sid} (learned from the
         * Engine.IO open packet); round-robin for a request without a known sid.
         */
        STICKY_SID
    }

    static final int MAX_HEAD = 16 * 1024;
    static final Duration HEAD_TIMEOUT = Duration.ofSeconds(10);
    // Longer than a Socket.IO heartbeat (25 s ping interval) so a held poll or quiet WebSocket stays.
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    static final int MAX_THREADS = 128;
    private static final int CAPTURE_LIMIT = 4096;

    private final ServerSocket server;
    private final List<InetSocketAddress> backends;
    private final Policy policy;
    private final ThreadPoolExecutor threads;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> learned = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean closed;

    /** Every connection that got as far as a response head or its end, in that order. */
    final List<BalancerExchange> exchanges = new CopyOnWriteArrayList<>();
    /** Connections on which the client sent bytes past its first request's body (keep-alive). */
    final AtomicInteger requestsAfterFirst = new AtomicInteger();
    /** Connections closed because {@link #MAX_THREADS} were busy. */
    final AtomicInteger rejected = new AtomicInteger();

    TestBalancer(Policy policy, List<InetSocketAddress> backends) throws IOException {
        this.policy = policy;
        this.backends = List.copyOf(backends);
        this.threads = new ThreadPoolExecutor(0, MAX_THREADS, 10, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "test-balancer");
            t.setDaemon(true);
            return t;
        });
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    /** The port it listens on (on the loopback address). */
    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            track(client);
            try {
                threads.execute(() -> handle(client));
            } catch (RejectedExecutionException e) {
                rejected.incrementAndGet();
                closeQuietly(client);
            }
        }
    }

    private void handle(Socket client) {
        int connection = connections.incrementAndGet();
        Socket upstream = new Socket();
        track(upstream);
        try {
            byte[][] headAndRest = readHead(client);
            BalancerExchange.Request request =
                    BalancerExchange.Request.parse(new String(headAndRest[0], StandardCharsets.ISO_8859_1));
            int backend = choose(request);
            upstream.connect(backends.get(backend), (int) HEAD_TIMEOUT.toMillis());
            client.setSoTimeout((int) IDLE_TIMEOUT.toMillis());
            upstream.setSoTimeout((int) IDLE_TIMEOUT.toMillis());
            OutputStream toBackend = upstream.getOutputStream();
            toBackend.write(headAndRest[0]);
            toBackend.write(headAndRest[1]);
            AtomicInteger pumps = new AtomicInteger(2);
            threads.execute(() -> {
                pumpResponse(upstream, client, connection, backend, request);
                finish(pumps, client, upstream);
            });
            pumpRequest(client, upstream, request, headAndRest[1].length);
            finish(pumps, client, upstream);
        } catch (RejectedExecutionException e) {
            rejected.incrementAndGet();
            closeQuietly(client);
            closeQuietly(upstream);
        } catch (IOException | RuntimeException e) {
            // a bad or slow head, an unreachable backend, or a full pool: the client sees the close
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    private int choose(BalancerExchange.Request request) {
        if (policy == Policy.STICKY_SID && request.sid() != null) {
            Integer backend = learned.get(request.sid());
            if (backend != null) {
                return backend;
            }
        }
        return Math.floorMod(next.getAndIncrement(), backends.size());
    }

    /** Client → backend after the head; notes bytes past the first request's declared body. */
    private void pumpRequest(Socket from, Socket to, BalancerExchange.Request request, long alreadySent) {
        long sent = alreadySent;
        boolean noted = false;
        byte[] buf = new byte[16384];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                sent += n;
                if (!noted && !request.upgrade() && sent > request.contentLength()) {
                    noted = true;
                    requestsAfterFirst.incrementAndGet();
                }
                out.write(buf, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /** Backend → client; records the exchange (and learns a sid) before its last captured byte. */
    private void pumpResponse(Socket from, Socket to, int connection, int backend, BalancerExchange.Request request) {
        BalancerExchange.ResponseCapture capture = new BalancerExchange.ResponseCapture(CAPTURE_LIMIT);
        byte[] buf = new byte[16384];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (capture.add(buf, n)) {
                    record(capture.exchange(connection, backend, request));
                }
                out.write(buf, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        } finally {
            if (!capture.complete()) {
                record(capture.exchange(connection, backend, request));
            }
        }
    }

    private void record(BalancerExchange exchange) {
        if (exchange.issuedSid() != null) {
            learned.put(exchange.issuedSid(), exchange.backend());
        }
        exchanges.add(exchange);
    }

    private void finish(AtomicInteger pumps, Socket client, Socket upstream) {
        if (pumps.decrementAndGet() == 0) {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    /**
     * The head up to its blank line, and whatever arrived after it in the same reads; within {@link
     * #HEAD_TIMEOUT} in all (a head sent a byte at a time does not hold the connection longer).
     */
    private static byte[][] readHead(Socket client) throws IOException {
        long deadline = System.nanoTime() + HEAD_TIMEOUT.toNanos();
        InputStream in = client.getInputStream();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buf = new byte[2048];
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new IOException("request head slower than " + HEAD_TIMEOUT);
            }
            client.setSoTimeout((int) left);
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("end of stream in the request head");
            }
            seen.write(buf, 0, n);
            byte[] all = seen.toByteArray();
            for (int i = 3; i < all.length; i++) {
                if (all[i - 3] == '\r' && all[i - 2] == '\n' && all[i - 1] == '\r' && all[i] == '\n') {
                    return new byte[][] {Arrays.copyOf(all, i + 1), Arrays.copyOfRange(all, i + 1, all.length)};
                }
            }
            if (all.length > MAX_HEAD) {
                throw new IOException("request head over " + MAX_HEAD + " bytes");
            }
        }
    }

    /** Keeps {@code socket} to close in {@link #close()}, or closes it now if that already ran. */
    private void track(Socket socket) {
        open.add(socket);
        if (closed) {
            closeQuietly(socket);
        }
    }

    private void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        open.remove(socket);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : open) {
            closeQuietly(s);
        }
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
                throw new IOException("balancer threads still running after 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
