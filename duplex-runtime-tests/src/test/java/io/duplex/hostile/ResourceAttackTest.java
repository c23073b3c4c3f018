package io.duplex.hostile;

import static io.duplex.testkit.RawClient.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.SendResult;
import io.duplex.SlowConsumerPolicy;
import io.duplex.WebSocket;
import io.duplex.WebSocketConfig;
import io.duplex.WebSocketHandler;
import io.duplex.testkit.RawClient;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Attacks on resources rather than on the protocol: thousands of silent connections, a peer that
 * never reads, a ping flood, connection churn. Each asserts that the server's memory, queues and
 * file descriptors stay bounded and return to where they were, and that it serves a well-behaved
 * client throughout. The server runs in this JVM, so its descriptors are {@code /proc/self/fd}.
 */
class ResourceAttackTest {
    static final long OUTBOUND_LIMIT = WebSocketConfig.DEFAULT.outboundLimit();
    static final int FLOOD_MESSAGE = 64 * 1024;
    /** Descriptors the JVM may open or close meanwhile on its own (class loading, jars). */
    static final long FD_SLACK = 16;

    static TargetServer target;
    static ExecutorService threads;
    static final PingRecorder pings = new PingRecorder();
    static final Flooder flooder = new Flooder();

    @BeforeAll
    static void start() {
        target = TargetServer.start(WebSocketConfig.DEFAULT, Map.of("/pings", pings, "/flood", flooder));
        threads = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stop() {
        threads.shutdownNow();
        target.close();
    }

    /** Records, per connection, how many pings arrived and the most bytes queued meanwhile. */
    static final class PingRecorder implements WebSocketHandler {
        final AtomicInteger count = new AtomicInteger();
        final AtomicLong maxBuffered = new AtomicLong();
        final BlockingQueue<TargetServer.Closed> closes = new LinkedBlockingQueue<>();

        void reset() {
            count.set(0);
            maxBuffered.set(0);
            closes.clear();
        }

        @Override
        public void onPing(WebSocket ws, ByteBuffer data) {
            count.incrementAndGet();
            maxBuffered.accumulateAndGet(ws.bufferedAmount(), Math::max);
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
            closes.add(new TargetServer.Closed(code, reason, wasClean));
        }
    }

    /** On "flood": sends 64 KiB messages on the loop until one is dropped (or 2,000 went out). */
    static final class Flooder implements WebSocketHandler {
        volatile CompletableFuture<List<SendResult>> results = new CompletableFuture<>();
        final AtomicLong maxBuffered = new AtomicLong();
        final BlockingQueue<TargetServer.Closed> closes = new LinkedBlockingQueue<>();

        @Override
        public void onText(WebSocket ws, String text) {
            ByteBuffer message = ByteBuffer.allocate(FLOOD_MESSAGE);
            List<SendResult> sent = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                SendResult r = ws.send(message.duplicate());
                sent.add(r);
                maxBuffered.accumulateAndGet(ws.bufferedAmount(), Math::max);
                if (r == SendResult.DROPPED) {
                    break;
                }
            }
            results.complete(sent);
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
            closes.add(new TargetServer.Closed(code, reason, wasClean));
        }
    }

    // ------------------------------------------------------------------ a peer that never reads

    @Test
    void peerThatNeverReadsIsCutOffAtTheOutboundLimit() throws Exception {
        long heapBefore = TargetServer.usedHeap(true);
        try (RawClient peer = RawClient.connect(target.port(), 8192)) {
            assertThat(peer.upgrade("/flood")).startsWith("HTTP/1.1 101 ");
            peer.sendFrame(0x81, RawClient.utf8("flood"));
            List<SendResult> sent = flooder.results.get(TargetServer.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            // Queued up to the limit (1 MiB by default), then the slow-consumer policy (CLOSE):
            // 1008, and the connection is aborted without waiting for a close handshake.
            assertThat(sent).contains(SendResult.BUFFERED).endsWith(SendResult.DROPPED);
            assertThat(flooder.maxBuffered.get()).isLessThanOrEqualTo(OUTBOUND_LIMIT + FLOOD_MESSAGE);
            assertThat(TargetServer.poll(flooder.closes))
                    .isEqualTo(new TargetServer.Closed(1008, "slow consumer", false));
            target.assertServes("during a non-reader");
            assertThat(peer.awaitEnd(TargetServer.FREED_WITHIN)).isTrue();
        }
        target.awaitOnlyProbe();
        assertThat(TargetServer.usedHeap(true) - heapBefore).isLessThan(8L << 20);
    }

    // ------------------------------------------------------------------ ping floods

    @Test
    void pingFloodFromAReaderIsAnsweredWithinTheOutboundLimit() throws Exception {
        pings.reset();
        int n = 100_000;
        try (RawClient peer = RawClient.connect(target.port())) {
            assertThat(peer.upgrade("/pings")).startsWith("HTTP/1.1 101 ");
            Future<?> writer = threads.submit(() -> {
                ByteArrayOutputStream batch = new ByteArrayOutputStream();
                for (int i = 0; i < n; i++) {
                    batch.writeBytes(hex("89 84 00000000"));
                    batch.writeBytes(ByteBuffer.allocate(4).putInt(i).array());
                    if (batch.size() > 32 * 1024 || i == n - 1) {
                        peer.out.write(batch.toByteArray());
                        batch.reset();
                    }
                }
                return null;
            });
            target.assertServes("during a ping flood");
            int last = -1;
            for (int i = 0; i < n; i++) {
                RawClient.Frame pong = peer.readFrame();
                assertThat(pong.opcode()).isEqualTo(RawClient.PONG);
                last = ByteBuffer.wrap(pong.payload()).getInt();
                assertThat(last).isEqualTo(i); // every ping answered, in order
            }
            writer.get(TargetServer.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(last).isEqualTo(n - 1);
            assertThat(pings.count.get()).isEqualTo(n);
            assertThat(pings.maxBuffered.get()).isLessThanOrEqualTo(OUTBOUND_LIMIT);
            // Still open and in order after the flood: a close handshake completes.
            peer.sendFrame(0x88, RawClient.closePayload(1000, new byte[0]));
            assertThat(peer.expectClose().closeCode()).isEqualTo(1000);
            assertThat(peer.awaitEnd(TargetServer.FREED_WITHIN)).isTrue();
        }
        target.awaitOnlyProbe();
        target.assertServes("after a ping flood");
    }

    @Test
    void pingFloodFromANonReaderDoesNotQueuePongsPastTheLimit() throws Exception {
        pings.reset();
        byte[] ping = RawClient.masked(0x89, new byte[125]);
        byte[] batch = new byte[ping.length * 256];
        for (int i = 0; i < 256; i++) {
            System.arraycopy(ping, 0, batch, i * ping.length, ping.length);
        }
        try (RawClient peer = RawClient.connect(target.port(), 8192)) {
            assertThat(peer.upgrade("/pings")).startsWith("HTTP/1.1 101 ");
            AtomicLong written = new AtomicLong();
            Future<?> writer = threads.submit(() -> {
                try {
                    for (int i = 0; i < 100_000 / 256 + 1; i++) {
                        peer.out.write(batch);
                        written.addAndGet(batch.length);
                    }
                } catch (IOException e) {
                    // cut off by the server: expected
                }
                return null;
            });
            target.assertServes("during a ping flood from a non-reader");
            // The pongs it does not read count against the outbound limit like any other frame:
            // the slow-consumer policy (CLOSE) applies instead of queueing ~12 MiB of pongs.
            TargetServer.Closed closed = pings.closes.poll(TargetServer.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(closed)
                    .as("closed as a slow consumer (max queued %d)", pings.maxBuffered.get())
                    .isEqualTo(new TargetServer.Closed(1008, "slow consumer", false));
            assertThat(pings.maxBuffered.get()).isLessThanOrEqualTo(OUTBOUND_LIMIT);
            writer.get(TargetServer.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(peer.awaitEnd(TargetServer.FREED_WITHIN)).isTrue();
        }
        target.awaitOnlyProbe();
        target.assertServes("after a ping flood from a non-reader");
    }

    @Test
    void pingFloodFromANonReaderUnderTheDropPolicySkipsPongsAndKeepsTheConnection() throws Exception {
        PingRecorder dropPings = new PingRecorder();
        try (TargetServer dropping = TargetServer.start(
                        WebSocketConfig.builder()
                                .slowConsumerPolicy(SlowConsumerPolicy.DROP)
                                .build(),
                        Map.of("/pings", dropPings));
                RawClient peer = RawClient.connect(dropping.port(), 8192)) {
            assertThat(peer.upgrade("/pings")).startsWith("HTTP/1.1 101 ");
            byte[] ping = RawClient.masked(0x89, new byte[125]);
            byte[] batch = new byte[ping.length * 256];
            for (int i = 0; i < 256; i++) {
                System.arraycopy(ping, 0, batch, i * ping.length, ping.length);
            }
            int batches = 100_000 / 256 + 1;
            Future<?> writer = threads.submit(() -> {
                for (int i = 0; i < batches; i++) {
                    peer.out.write(batch);
                }
                return null;
            });
            dropping.assertServes("during a ping flood under DROP");
            writer.get(TargetServer.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            TargetServer.eventually("every ping read", () -> dropPings.count.get() == batches * 256);
            // Pongs past the limit were skipped (RFC 6455 §5.5.3), not queued; the connection lives.
            assertThat(dropPings.maxBuffered.get()).isLessThanOrEqualTo(OUTBOUND_LIMIT);
            assertThat(dropPings.closes).isEmpty();
            peer.sendFrame(0x88, RawClient.closePayload(1000, new byte[0]));
            int pongs = 0;
            RawClient.Frame f;
            while ((f = peer.readFrame()).opcode() == RawClient.PONG) {
                pongs++;
            }
            assertThat(f.closeCode()).isEqualTo(1000);
            assertThat(pongs).isPositive().isLessThan(batches * 256);
            assertThat(TargetServer.poll(dropPings.closes)).isEqualTo(new TargetServer.Closed(1000, "", true));
        }
    }

    // ------------------------------------------------------------------ a handler that lags

    @Test
    void floodToABlockedHandlerIsHeldBackByReadBackpressure() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        WebSocketHandler blocked = new WebSocketHandler() {
            @Override
            public void onBinary(WebSocket ws, ByteBuffer data) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                handled.incrementAndGet();
            }
        };
        int messages = 2048;
        byte[] frame = RawClient.masked(0x82, new byte[FLOOD_MESSAGE]); // 128 MiB in all
        long heapBefore = TargetServer.usedHeap(true);
        try (TargetServer lagging = TargetServer.start(WebSocketConfig.DEFAULT, Map.of("/blocked", blocked), threads);
                RawClient peer = RawClient.connect(lagging.port())) {
            assertThat(peer.upgrade("/blocked")).startsWith("HTTP/1.1 101 ");
            AtomicLong written = new AtomicLong();
            Future<?> writer = threads.submit(() -> {
                for (int i = 0; i < messages; i++) {
                    peer.out.write(frame);
                    written.addAndGet(frame.length);
                }
                return null;
            });
            // The server stops reading once maxUndelivered (1 MiB) waits for the handler, so the
            // flood stalls in TCP's buffers instead of the server's heap.
            long[] last = {-1};
            long[] since = {System.nanoTime()};
            TargetServer.eventually("the flood stalls", () -> {
                long w = written.get();
                if (w != last[0]) {
                    last[0] = w;
                    since[0] = System.nanoTime();
                }
                return System.nanoTime() - since[0] > 500_000_000L;
            });
            lagging.assertServes("while a handler lags");
            long heldHeap = TargetServer.usedHeap(true) - heapBefore;
            System.out.printf(
                    "backpressure: flood stalled after %d MiB, %d KiB of heap held%n",
                    written.get() >> 20, heldHeap >> 10);
            assertThat(written.get()).isLessThan((long) messages * frame.length / 2);
            assertThat(heldHeap).isLessThan(16L << 20);
            assertThat(handled.get()).isZero();
            release.countDown();
            writer.get(30, TimeUnit.SECONDS);
            TargetServer.eventually("every message handled", () -> handled.get() == messages);
        }
    }

    // ------------------------------------------------------------------ churn

    @Test
    void tenThousandConnectionsOpenedAndClosedLeaveNothingBehind() throws Exception {
        int total = 10_000;
        int workers = 4;
        target.assertServes("before churn");
        target.awaitOnlyProbe();
        long heapBefore = TargetServer.usedHeap(true);
        long fdsBefore = TargetServer.settledFds();
        byte[] close = RawClient.masked(0x88, RawClient.closePayload(1000, new byte[0]));
        AtomicInteger done = new AtomicInteger();
        List<Future<?>> all = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int w = 0; w < workers; w++) {
            all.add(threads.submit(() -> {
                while (done.getAndIncrement() < total) {
                    churnOnce(close);
                }
                return null;
            }));
        }
        // Probes while the churn lasts: one now, then one each time the first worker has not
        // finished within 200 ms (waiting on it, not sleeping), five at most.
        for (int i = 0; i < 5 && !all.get(0).isDone(); i++) {
            target.assertServes("during churn");
            try {
                all.get(0).get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillChurning) {
                // probe again
            }
        }
        for (Future<?> f : all) {
            f.get(60, TimeUnit.SECONDS);
        }
        long millis = TargetServer.millisSince(t0);
        target.awaitOnlyProbe();
        TargetServer.eventually(
                "file descriptors back to " + fdsBefore, () -> TargetServer.openFds() <= fdsBefore + FD_SLACK);
        long heapGrowth = TargetServer.usedHeap(true) - heapBefore;
        System.out.printf("churn: %d connections in %d ms, heap growth %d KiB%n", total, millis, heapGrowth >> 10);
        assertThat(heapGrowth).isLessThan(16L << 20);
        target.assertServes("after churn");
    }

    /** One connection: handshake and Close in one write, read to the server's FIN, hang up. */
    private static void churnOnce(byte[] close) throws IOException {
        try (Socket s = new Socket()) {
            s.setSoTimeout((int) TargetServer.WAIT.toMillis());
            s.connect(new InetSocketAddress("127.0.0.1", target.port()));
            OutputStream out = s.getOutputStream();
            byte[] request = RawClient.upgradeRequest("/echo", target.port()).getBytes(StandardCharsets.US_ASCII);
            byte[] both = new byte[request.length + close.length];
            System.arraycopy(request, 0, both, 0, request.length);
            System.arraycopy(close, 0, both, request.length, close.length);
            out.write(both);
            InputStream in = s.getInputStream();
            byte[] answer = in.readAllBytes();
            String text = new String(answer, StandardCharsets.ISO_8859_1);
            if (!text.startsWith("HTTP/1.1 101 ")
                    || !text.endsWith(new String(hex("8802 03E8"), StandardCharsets.ISO_8859_1))) {
                throw new AssertionError("unexpected answer: " + text);
            }
        }
    }

    // ------------------------------------------------------------------ silent connections

    @Test
    void tenThousandSilentConnectionsAreHeldThenReaped() throws Exception {
        int count = 10_000;
        // Long enough that the horde is up, counted and probed before the first one idles out,
        // with margin for a loaded 2-core CI machine (the test thread may read READY late).
        Duration idle = Duration.ofSeconds(12);
        Duration closeTimeout = Duration.ofMillis(500);
        try (TargetServer horde = TargetServer.start(WebSocketConfig.builder()
                .idleTimeout(idle)
                .closeTimeout(closeTimeout)
                .build())) {
            assertThat(count).isLessThan(WebSocketConfig.DEFAULT.maxConnections());
            // GC first: it lets Cleaners close sockets earlier tests abandoned, which would
            // otherwise leave the descriptor baseline while the horde is being counted.
            long heapBefore = TargetServer.usedHeap(true);
            long fdsBefore = TargetServer.settledFds();
            Process child = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx64m",
                            "-XX:TieredStopAtLevel=1",
                            "-cp",
                            System.getProperty("java.class.path"),
                            SilentHorde.class.getName(),
                            Integer.toString(horde.port()),
                            Integer.toString(count))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            try (BufferedReader lines =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
                long t0 = System.nanoTime();
                String[] ready = readLine(lines, child).split(" ");
                assertThat(ready).hasSize(4);
                assertThat(ready[0] + " " + ready[1] + " " + ready[2]).isEqualTo("READY " + count + " 0");
                long openMillis = Long.parseLong(ready[3]);
                int held = horde.server.connectionCount();
                long fdsHeld = TargetServer.openFds();
                long heapHeld = TargetServer.usedHeap(true);
                System.out.printf(
                        "horde: %d connections open in %d ms, %d held, %d fds, %d bytes of heap each%n",
                        count, openMillis, held, fdsHeld - fdsBefore, (heapHeld - heapBefore) / count);
                // The first connections idle out one idle timeout after they opened.
                assertThat(openMillis)
                        .as("the horde must be up well before the idle timeout")
                        .isLessThan(idle.toMillis() / 2);
                assertThat(held).isGreaterThanOrEqualTo(count);
                // Descriptors: the server's own sockets on its port, exactly (the process-wide count
                // moves when Cleaners close sockets that earlier tests abandoned).
                assertThat(TargetServer.serverSockets(horde.port())).isGreaterThanOrEqualTo(count);
                // ~4 KiB per idle connection measured; 32 KiB would mean per-connection buffers.
                assertThat((heapHeld - heapBefore) / count).isLessThan(32 * 1024);
                horde.assertServes("with " + count + " silent connections");
                // Idle, then a Close nobody answers, then the close timeout: every one is reaped.
                String closed = readLine(lines, child);
                assertThat(closed).isEqualTo("CLOSED " + count);
                assertThat(TargetServer.millisSince(t0))
                        .isLessThan(idle.plus(closeTimeout).plusSeconds(8).toMillis());
                assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
                assertThat(child.exitValue()).isZero();
            } finally {
                child.destroyForcibly();
                child.getOutputStream().close();
                child.getErrorStream().close();
            }
            horde.awaitOnlyProbe();
            TargetServer.eventually(
                    "file descriptors back to " + fdsBefore, () -> TargetServer.openFds() <= fdsBefore + FD_SLACK);
            TargetServer.eventually("no socket of the horde left", () -> TargetServer.serverSockets(horde.port()) <= 1);
            horde.assertServes("after " + count + " silent connections");
        }
    }

    private static String readLine(BufferedReader lines, Process child) throws Exception {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return lines.readLine();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                },
                threads);
        try {
            return line.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            child.destroyForcibly();
            throw new AssertionError("the silent horde said nothing for 30 s", e);
        }
    }
}
