package io.duplex.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.ReadyState;
import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketConfig;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import io.duplex.testkit.Await;
import io.duplex.testkit.RawClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The server under attack, shared by the tests of one class: an echo route that records how each
 * connection ended (by the peer's port), and a well-behaved probe client whose echo exchanges show
 * the server still serves others during and after an attack.
 *
 * <p>Threading: handler callbacks run on the server's loops; everything recorded is thread-safe.
 */
final class TargetServer implements AutoCloseable {
    static final Duration WAIT = Await.WAIT;
    /** How long a failed connection may take to be closed by the server. */
    static final Duration FREED_WITHIN = Duration.ofSeconds(3);

    /** How a connection ended, as the server's handler saw it. */
    record Closed(int code, String reason, boolean clean) {}

    final WebSocketServer server;
    private final WebSocketClient client;
    private final Map<Integer, CompletableFuture<Closed>> closes = new ConcurrentHashMap<>();
    private final Map<Integer, BlockingQueue<String>> texts = new ConcurrentHashMap<>();
    private final BlockingQueue<String> probeTexts = new LinkedBlockingQueue<>();
    private final AtomicInteger probes = new AtomicInteger();
    private volatile WebSocket probe;

    private TargetServer(WebSocketConfig config, Map<String, WebSocketHandler> extraRoutes, Executor handlerExecutor) {
        WebSocketServer.Builder b = WebSocketServer.builder()
                .host("127.0.0.1")
                .port(0)
                .eventLoops(2)
                .config(config)
                .handlerExecutor(handlerExecutor)
                .route("/echo", new Echo());
        extraRoutes.forEach(b::route);
        this.server = b.start();
        this.client = WebSocketClient.builder().build();
    }

    static TargetServer start(WebSocketConfig config) {
        return start(config, Map.of());
    }

    static TargetServer start(WebSocketConfig config, Map<String, WebSocketHandler> extraRoutes) {
        return start(config, extraRoutes, null);
    }

    /** @param handlerExecutor where handlers run, or null for the event loops */
    static TargetServer start(
            WebSocketConfig config, Map<String, WebSocketHandler> extraRoutes, Executor handlerExecutor) {
        TargetServer t = new TargetServer(config, extraRoutes, handlerExecutor);
        t.assertServes("first probe");
        return t;
    }

    int port() {
        return server.port();
    }

    URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port() + path);
    }

    /**
     * A real echo exchange through the probe connection (reopened if the server closed it, e.g.
     * for idling): the server is still serving well-behaved clients.
     */
    void assertServes(String label) {
        WebSocket ws = probe;
        if (ws == null || ws.readyState() != ReadyState.OPEN) {
            ws = client.connect(uri("/echo"), new WebSocketHandler() {
                        @Override
                        public void onText(WebSocket s, String text) {
                            probeTexts.add(text);
                        }
                    })
                    .orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS)
                    .join();
            probe = ws;
        }
        String text = label + " #" + probes.incrementAndGet();
        ws.send(text);
        assertThat(poll(probeTexts)).as("probe echo").isEqualTo(text);
    }

    /**
     * Opens a connection with a valid handshake (plus {@code extraHeaders}), writes {@code attack}
     * and asserts the precise outcome: a Close with {@code code} and no echo before it, TCP closed
     * by the server within {@code freedWithin}, the handler told {@code code} (not clean), the
     * connection released, and the probe served meanwhile.
     */
    void assertFails(String name, byte[] attack, int code, String... extraHeaders) throws IOException {
        try (RawClient peer = RawClient.connect(port())) {
            assertThat(peer.upgrade("/echo", extraHeaders)).startsWith("HTTP/1.1 101 ");
            peer.write(attack);
            RawClient.Frame close = peer.expectClose();
            assertThat(close.closeCode()).as("close code").isEqualTo(code);
            assertThat(peer.awaitEnd(FREED_WITHIN)).as("closed by the server").isTrue();
            Closed seen = serverClose(peer);
            assertThat(seen.code()).isEqualTo(code);
            assertThat(seen.clean()).isFalse();
            assertThat(textsFrom(peer)).isEmpty();
            assertServes("during " + name);
        }
        awaitOnlyProbe();
    }

    /** The close the server's handler saw for the connection from {@code peer}. */
    Closed serverClose(RawClient peer) {
        return closedFuture(peer.localPort())
                .orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .join();
    }

    /** Texts the server's handler received on the connection from {@code peer}. */
    BlockingQueue<String> textsFrom(RawClient peer) {
        return texts.computeIfAbsent(peer.localPort(), p -> new LinkedBlockingQueue<>());
    }

    private CompletableFuture<Closed> closedFuture(int port) {
        return closes.computeIfAbsent(port, p -> new CompletableFuture<>());
    }

    /** Waits until only the probe (or nothing) is left: every hostile connection was freed. */
    void awaitOnlyProbe() {
        eventually("hostile connections freed (count " + server.connectionCount() + ")", () -> {
            WebSocket p = probe;
            int expected = p != null && p.readyState() == ReadyState.OPEN ? 1 : 0;
            return server.connectionCount() <= expected;
        });
    }

    @Override
    public void close() {
        client.close();
        server.stop(Duration.ofSeconds(2));
    }

    /** Echoes text and binary; records texts and how each connection closed, by remote port. */
    private final class Echo implements WebSocketHandler {
        @Override
        public void onText(WebSocket ws, String text) {
            texts.computeIfAbsent(ws.remoteAddress().getPort(), p -> new LinkedBlockingQueue<>())
                    .add(text);
            ws.send(text);
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            ws.send(data);
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
            closedFuture(ws.remoteAddress().getPort()).complete(new Closed(code, reason, wasClean));
        }
    }

    // ------------------------------------------------------------------ bounded waits

    static <T> T poll(BlockingQueue<T> queue) {
        try {
            T item = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(item).as("nothing arrived within %s", WAIT).isNotNull();
            return item;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static void eventually(String what, BooleanSupplier condition) {
        eventually(what, WAIT, condition);
    }

    static void eventually(String what, Duration within, BooleanSupplier condition) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            LockSupport.parkNanos(10_000_000);
        }
    }

    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Open file descriptors of this JVM (the server's: it runs in the test JVM). */
    /**
     * The file-descriptor count once it stops moving (sockets of an earlier test may still be
     * closing on their loops): a baseline that later descriptors are counted against.
     */
    static long settledFds() throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        long previous = openFds();
        while (System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(
                    200_000_000L); // sampling period, not a wait for a condition
            long now = openFds();
            if (now == previous) {
                return now;
            }
            previous = now;
        }
        return previous;
    }

    /**
     * This process's TCP sockets whose local port is {@code port} and that are not listening: the
     * server's end of its connections, exactly — unlike the process-wide descriptor count, which
     * moves when Cleaners close sockets other tests abandoned.
     */
    static long serverSockets(int port) {
        java.util.Set<String> inodes = new java.util.HashSet<>();
        String localPort = String.format(":%04X", port);
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    // sl local_address rem_address st ... inode: the kernel's layout, see proc(5)
                    if (f.length > 9 && f[1].endsWith(localPort) && !f[3].equals("0A")) {
                        inodes.add(f[9]);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                        try {
                            String target = Files.readSymbolicLink(fd).toString();
                            return target.startsWith("socket:[")
                                    && inodes.contains(target.substring(8, target.length() - 1));
                        } catch (IOException e) {
                            return false; // closed while listing
                        }
                    })
                    .count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Bytes ever allocated by the server's event-loop threads (where frames are parsed and
     * inflated): monotonic and blind to GC, so a difference bounds what an attack cost the server.
     */
    static long allocatedByServerLoops() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("duplex-server")) {
                sum += Math.max(0, threads.getThreadAllocatedBytes(t.getId()));
            }
        }
        return sum;
    }

    /** Heap in use; with {@code gc}, after asking for a collection (twice, to settle). */
    static long usedHeap(boolean gc) {
        Runtime rt = Runtime.getRuntime();
        if (gc) {
            System.gc();
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
