package io.duplex.hostile;

import static io.duplex.testkit.RawClient.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.WebSocketConfig;
import io.duplex.testkit.RawClient;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A message trickled one byte at a time (slowloris on frames) is bounded by {@link
 * WebSocketConfig#messageTimeout}: the server fails the connection with 1008 (RFC 6455 §7.4.1,
 * policy) once one message has taken longer than the timeout; messages that each arrive in time
 * are served however long the connection lasts.
 */
class TrickleTest {
    static final Duration MESSAGE_TIMEOUT = Duration.ofMillis(800);

    static TargetServer target;
    static ScheduledExecutorService pacer;

    @BeforeAll
    static void start() {
        target = TargetServer.start(
                WebSocketConfig.builder().messageTimeout(MESSAGE_TIMEOUT).build());
        pacer = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterAll
    static void stop() {
        pacer.shutdownNow();
        target.close();
    }

    /** Writes {@code bytes} one at a time, one every {@code periodMillis}, from the pacer thread. */
    static ScheduledFuture<?> trickle(RawClient peer, byte[] bytes, long periodMillis) {
        AtomicInteger next = new AtomicInteger();
        return pacer.scheduleAtFixedRate(
                () -> {
                    int i = next.getAndIncrement();
                    if (i < bytes.length) {
                        try {
                            peer.out.write(bytes[i]);
                            peer.out.flush();
                        } catch (IOException e) {
                            throw new IllegalStateException("closed by the server", e); // ends the schedule
                        }
                    }
                },
                0,
                periodMillis,
                TimeUnit.MILLISECONDS);
    }

    @Test
    void aMessageTrickledOneByteAtATimeFailsWith1008AtTheMessageTimeout() throws IOException {
        // A 100-byte text message at 20 bytes a second would take 5 s.
        byte[] message = RawClient.masked(0x81, RawClient.utf8("t".repeat(100)));
        try (RawClient peer = RawClient.connect(target.port())) {
            assertThat(peer.upgrade("/echo")).startsWith("HTTP/1.1 101 ");
            long t0 = System.nanoTime();
            ScheduledFuture<?> writer = trickle(peer, message, 50);
            RawClient.Frame close = peer.expectClose();
            long took = TargetServer.millisSince(t0);
            writer.cancel(false);
            assertThat(close.closeCode()).isEqualTo(1008);
            assertThat(took).isBetween(MESSAGE_TIMEOUT.toMillis(), MESSAGE_TIMEOUT.toMillis() + 2_000);
            assertThat(peer.awaitEnd(TargetServer.FREED_WITHIN)).isTrue();
            assertThat(target.serverClose(peer).code()).isEqualTo(1008);
            assertThat(target.textsFrom(peer)).isEmpty();
        }
        target.awaitOnlyProbe();
        target.assertServes("after a trickled message");
    }

    @Test
    void aFragmentedMessageKeptOpenWithPingsFailsToo() throws IOException {
        try (RawClient peer = RawClient.connect(target.port())) {
            assertThat(peer.upgrade("/echo")).startsWith("HTTP/1.1 101 ");
            peer.write(hex("01 81 00000000 61")); // a first fragment, never continued
            // Pings keep arriving (each answered), but the message does not progress.
            ScheduledFuture<?> pinger = pacer.scheduleAtFixedRate(
                    () -> {
                        try {
                            peer.write(hex("89 80 00000000"));
                        } catch (IOException e) {
                            throw new IllegalStateException("closed by the server", e);
                        }
                    },
                    0,
                    100,
                    TimeUnit.MILLISECONDS);
            assertThat(peer.expectClose().closeCode()).isEqualTo(1008);
            pinger.cancel(false);
        }
        target.awaitOnlyProbe();
    }

    @Test
    void messagesThatEachArriveInTimeAreServedForLongerThanTheTimeout() throws IOException {
        // Ten 4-byte messages, each written over ≈ 300 ms, all together ≈ 3 s: far past the timeout
        // in all, each within it, and every read but the last ends inside a frame.
        byte[] messages = new byte[0];
        for (int i = 0; i < 10; i++) {
            byte[] m = RawClient.masked(0x81, RawClient.utf8("m" + i + "/9"));
            byte[] all = java.util.Arrays.copyOf(messages, messages.length + m.length);
            System.arraycopy(m, 0, all, messages.length, m.length);
            messages = all;
        }
        try (RawClient peer = RawClient.connect(target.port())) {
            assertThat(peer.upgrade("/echo")).startsWith("HTTP/1.1 101 ");
            ScheduledFuture<?> writer = trickle(peer, messages, 300 / 10);
            for (int i = 0; i < 10; i++) {
                assertThat(peer.readFrame().text()).isEqualTo("m" + i + "/9");
            }
            writer.cancel(false);
        }
        target.awaitOnlyProbe();
    }
}
