package io.duplex;

import static io.duplex.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import io.duplex.testkit.RawClient;
import io.duplex.testkit.RecordingHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A peer that does not read: {@code send} answers BUFFERED above the high-water mark and DROPPED
 * at the outbound limit, the slow-consumer policy applies, and memory stays bounded by the limit.
 */
class SlowConsumerTest {
    static final int MESSAGE = 64 * 1024;
    static final long LIMIT = 256 * 1024;
    /** Long, to show that the CLOSE policy does not wait for it. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(8);

    WebSocketServer server;
    ExecutorService sender;

    /** What one burst of sends saw. */
    record Burst(List<SendResult> results, long maxBuffered) {
        long accepted() {
            return results.stream().filter(r -> r != SendResult.DROPPED).count();
        }
    }

    /** Sends 64 KiB messages until a few are dropped (or 2,000 went out), from onOpen. */
    static final class Flooder extends RecordingHandler {
        final CompletableFuture<Burst> burst = new CompletableFuture<>();
        final Executor executor;

        interface Executor {
            void execute(Runnable r);
        }

        Flooder(Executor executor) {
            this.executor = executor;
        }

        @Override
        public void onOpen(WebSocket ws) {
            super.onOpen(ws);
            executor.execute(() -> burst.complete(flood(ws)));
        }

        @Override
        public void onDrain(WebSocket ws) {
            super.onDrain(ws);
            if (drains.get() == 1) {
                ws.send("drained");
            }
        }

        static Burst flood(WebSocket ws) {
            ByteBuffer message = ByteBuffer.allocate(MESSAGE);
            List<SendResult> results = new ArrayList<>();
            long maxBuffered = 0;
            int dropped = 0;
            for (int i = 0; i < 2000 && dropped < 5; i++) {
                SendResult r = ws.send(message.duplicate());
                results.add(r);
                dropped += r == SendResult.DROPPED ? 1 : 0;
                maxBuffered = Math.max(maxBuffered, ws.bufferedAmount());
            }
            return new Burst(results, maxBuffered);
        }
    }

    @BeforeEach
    void start() {
        sender = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void stop() {
        sender.shutdownNow();
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    void start(SlowConsumerPolicy policy, WebSocketHandler handler) {
        server = Loopback.server()
                .config(WebSocketConfig.builder()
                        .outboundLimit(LIMIT)
                        .slowConsumerPolicy(policy)
                        .closeTimeout(CLOSE_TIMEOUT)
                        .build())
                .route("/ws", handler)
                .start();
    }

    /** A client with a tiny receive window that completes the handshake and then reads nothing. */
    RawClient nonReader() throws IOException {
        RawClient raw = RawClient.connect(server.port(), null, 8192);
        assertThat(raw.upgrade("/ws")).startsWith("HTTP/1.1 101 ");
        return raw;
    }

    static void assertBufferedThenDropped(Burst burst) {
        List<SendResult> r = burst.results();
        int firstBuffered = r.indexOf(SendResult.BUFFERED);
        int firstDropped = r.indexOf(SendResult.DROPPED);
        assertThat(firstBuffered).isNotNegative();
        assertThat(firstDropped).isGreaterThan(firstBuffered);
        // What follows depends on how much the kernel takes meanwhile (its send buffer grows on its
        // own), so a later message may be accepted again; the bound below is what must hold.
        // The queue never grows past the limit plus the message that crossed it.
        assertThat(burst.maxBuffered()).isLessThanOrEqualTo(LIMIT + MESSAGE);
    }

    @Test
    void closePolicyCutsOffANonReaderSendingOnTheLoop() throws IOException {
        Flooder onServer = new Flooder(Runnable::run);
        start(SlowConsumerPolicy.CLOSE, onServer);
        try (RawClient raw = nonReader()) {
            long t0 = System.nanoTime();
            Burst burst = await(onServer.burst);
            assertBufferedThenDropped(burst);
            // The peer is not reading, so no close handshake could finish: the queue is freed at
            // once (no close timeout) and the handler is told the code this end failed with.
            assertThat(onServer.awaitClose()).isEqualTo(new RecordingHandler.Closed(1008, "slow consumer", false));
            assertThat(raw.awaitEnd(Await.WAIT)).isTrue();
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(CLOSE_TIMEOUT.toMillis());
            assertThat(onServer.awaitOpen().bufferedAmount()).isZero();
        }
        Await.eventually("the connection is released", () -> server.connectionCount() == 0);
        assertThat(onServer.closeCalls).hasValue(1);
    }

    @Test
    void closePolicyCutsOffANonReaderSendingFromAnotherThread() throws IOException {
        Flooder onServer = new Flooder(sender::execute);
        start(SlowConsumerPolicy.CLOSE, onServer);
        try (RawClient raw = nonReader()) {
            assertBufferedThenDropped(await(onServer.burst));
            assertThat(onServer.awaitClose()).isEqualTo(new RecordingHandler.Closed(1008, "slow consumer", false));
            assertThat(raw.awaitEnd(Await.WAIT)).isTrue();
        }
        Await.eventually("the connection is released", () -> server.connectionCount() == 0);
    }

    @Test
    void dropPolicyDropsMessagesAndKeepsTheConnection() throws IOException {
        for (boolean onLoop : new boolean[] {true, false}) {
            Flooder onServer = new Flooder(onLoop ? Runnable::run : sender::execute);
            start(SlowConsumerPolicy.DROP, onServer);
            try (RawClient raw = nonReader()) {
                Burst burst = await(onServer.burst);
                assertBufferedThenDropped(burst);
                WebSocket ws = onServer.awaitOpen();
                assertThat(ws.readyState()).isEqualTo(ReadyState.OPEN);
                // Every accepted message arrives, and the text sent from onDrain (usually last; the
                // queue may also have drained once while the kernel still took data).
                long binaries = 0;
                boolean drained = false;
                while (binaries < burst.accepted() || !drained) {
                    RawClient.Frame f = raw.readFrame();
                    if (f.opcode() == RawClient.TEXT) {
                        assertThat(f.text()).isEqualTo("drained");
                        drained = true;
                    } else {
                        assertThat(f.opcode()).isEqualTo(RawClient.BINARY);
                        assertThat(f.payload()).hasSize(MESSAGE);
                        binaries++;
                    }
                }
                assertThat(binaries).isEqualTo(burst.accepted());
                assertThat(onServer.drains).hasPositiveValue();
                assertThat(onServer.closed).isNotDone();
                // The peer can read the last bytes before the server's loop has counted them as
                // written: wait for the count, so the next send sees an empty queue.
                Await.eventually("the queue is counted empty", () -> ws.bufferedAmount() == 0);
                assertThat(ws.send("still open")).isEqualTo(SendResult.SENT);
                assertThat(raw.readFrame().text()).isEqualTo("still open");
            }
            server.stop(Duration.ofSeconds(5));
            server = null;
        }
    }

    @Test
    void bufferedIsAlwaysFollowedByDrain() {
        RecordingHandler onServer = new RecordingHandler();
        server = Loopback.server()
                .config(WebSocketConfig.builder().outboundLimit(4 << 20).build())
                .route("/ws", onServer)
                .start();
        try (WebSocketClient client = WebSocketClient.builder()
                .config(WebSocketConfig.builder()
                        .maxMessageSize(4 << 20)
                        .maxFrameSize(4 << 20)
                        .build())
                .build()) {
            RecordingHandler onClient = new RecordingHandler();
            await(client.connect(Loopback.uri(server, "/ws"), onClient));
            WebSocket ws = onServer.awaitOpen();
            // One message larger than the high-water mark (1 MiB): BUFFERED, so onDrain must follow
            // even if the socket takes it at once.
            assertThat(ws.send(ByteBuffer.allocate(2 << 20))).isEqualTo(SendResult.BUFFERED);
            Await.eventually("onDrain after BUFFERED", () -> onServer.drains.get() == 1);
            assertThat(Await.poll(onClient.binaries).remaining()).isEqualTo(2 << 20);
        }
    }
}
