package io.duplex.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketHandler;
import io.duplex.testkit.Await;
import io.duplex.testkit.RawClient;
import io.duplex.testkit.ScriptProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peers that do not read cannot exhaust the server's memory: a server limited to 32 MiB of direct
 * memory broadcasts small messages to healthy subscribers and to subscribers that never read. Each
 * non-reader is dropped once it holds its outbound limit (1 MiB by default, now real memory: a
 * small frame no longer pins a 16 KiB batch), the drop is a reset (the kernel's send queue for it
 * is freed, so it cannot read megabytes after the cut), no event loop fails an allocation, and the
 * healthy subscribers keep receiving.
 */
class OutboundMemoryTest {
    static final int HEALTHY = 8;
    static final int NON_READERS = 6;
    static final long DIRECT_CAP = 32L << 20;

    @TempDir
    Path dir;

    ScriptProcess child;
    final WebSocketClient client = WebSocketClient.builder().build();
    final List<RawClient> nonReaders = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        client.close();
        for (RawClient r : nonReaders) {
            r.close();
        }
        if (child != null) {
            child.close();
        }
    }

    @Test
    void nonReadersAreDroppedWithAResetAndHealthySubscribersKeepReceivingUnderADirectMemoryCap() throws Exception {
        child = ScriptProcess.start(
                List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx128m",
                        "-XX:MaxDirectMemorySize=" + DIRECT_CAP,
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        CappedBroadcastServer.class.getName()),
                Path.of("."),
                dir.resolve("child.err"));
        String ready = line();
        assertThat(ready).as("child output").startsWith("READY ");
        int port = Integer.parseInt(ready.substring("READY ".length()));

        AtomicLong[] received = new AtomicLong[HEALTHY];
        AtomicLong errors = new AtomicLong();
        for (int i = 0; i < HEALTHY; i++) {
            AtomicLong count = received[i] = new AtomicLong();
            client.connect(URI.create("ws://127.0.0.1:" + port + "/ws"), new WebSocketHandler() {
                        @Override
                        public void onText(WebSocket ws, String text) {
                            count.incrementAndGet();
                        }

                        @Override
                        public void onError(WebSocket ws, Throwable e) {
                            errors.incrementAndGet();
                        }
                    })
                    .get(10, TimeUnit.SECONDS);
        }
        for (int i = 0; i < NON_READERS; i++) {
            RawClient raw = RawClient.connect(port, 8192);
            assertThat(raw.upgrade("/ws")).startsWith("HTTP/1.1 101 ");
            nonReaders.add(raw);
        }
        statsWhen("all subscribed and counted", Duration.ofSeconds(30), n -> n == HEALTHY + NON_READERS);

        // Every non-reader is dropped: only the healthy connections remain.
        long[] s = statsWhen("non-readers dropped", Duration.ofSeconds(60), n -> n <= HEALTHY);
        // A reset, not a FIN behind megabytes: what a dropped peer can still read is at most
        // what its own small receive buffer held, not the server kernel's send queue.
        for (RawClient raw : nonReaders) {
            assertThat(bytesUntilEnd(raw)).isLessThan(512 * 1024);
        }

        // The healthy subscribers go on receiving after the drops.
        long[] before = new long[HEALTHY];
        for (int i = 0; i < HEALTHY; i++) {
            before[i] = received[i].get();
        }
        for (int i = 0; i < HEALTHY; i++) {
            AtomicLong count = received[i];
            long from = before[i];
            io.duplex.testkit.Await.eventually("healthy subscriber " + from, () -> count.get() > from + 1_000);
        }
        assertThat(errors).hasValue(0);

        s = statsWhen("the healthy connections counted", Duration.ofSeconds(30), n -> n == HEALTHY);
        child.tell("stop");
        assertThat(child.nextLine(Duration.ofSeconds(20))).as("the child ends").isNull();
        assertThat(child.stderr()).doesNotContain("OutOfMemoryError");
        assertThat(s[1]).isLessThan(DIRECT_CAP);
        System.out.printf(
                "outbound memory: %d non-readers dropped; max direct memory %d KiB of %d KiB%n",
                NON_READERS, s[1] >> 10, DIRECT_CAP >> 10);
    }

    /**
     * Polls the child's counts ({@code stats}: connections, direct memory in use) until the
     * connection count satisfies {@code connections}, failing after {@code limit}; the counts then.
     */
    private long[] statsWhen(String what, Duration limit, LongPredicate connections) {
        long[][] last = new long[1][];
        Await.eventually(what, limit, () -> {
            last[0] = stats();
            return connections.test(last[0][0]);
        });
        return last[0];
    }

    private long[] stats() {
        try {
            child.tell("stats");
            String[] line = line().split(" ");
            assertThat(line[0]).isEqualTo("STATS");
            return new long[] {Long.parseLong(line[1]), Long.parseLong(line[2])};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted asking the child for its counts", e);
        }
    }

    private static long bytesUntilEnd(RawClient raw) throws IOException {
        InputStream in = raw.in;
        byte[] sink = new byte[8192];
        long total = 0;
        try {
            int n;
            while ((n = in.read(sink)) >= 0) {
                total += n;
            }
        } catch (SocketException e) {
            // reset
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the dropped connection did not end", e);
        }
        return total;
    }

    /** The child's next line; its death or 30 s of silence fails the test with its stderr. */
    private String line() throws InterruptedException {
        String l = child.nextLine(Duration.ofSeconds(30));
        if (l == null) {
            throw new AssertionError("the server died or said nothing for 30 s: " + child.stderr());
        }
        return l;
    }
}
