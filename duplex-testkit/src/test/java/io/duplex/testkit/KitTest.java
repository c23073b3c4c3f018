package io.duplex.testkit;

import static io.duplex.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KitTest {
    WebSocketServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void rawClientTalksToARecordedServerAndReadsTheCloseAndTheEnd() throws Exception {
        RecordingHandler onServer = new RecordingHandler();
        server = Loopback.server().route("/ws", onServer).start();
        try (RawClient raw = RawClient.connect(server.port())) {
            raw.handshake("/ws");
            raw.send(RawClient.TEXT, RawClient.utf8("hi"));
            assertThat(onServer.nextText()).isEqualTo("hi");
            assertThat(onServer.await(RecordingHandler.Text.class).text()).isEqualTo("hi");
            raw.sendClose(1000, "bye");
            assertThat(raw.expectClose().closeCode()).isEqualTo(1000);
            assertThat(raw.awaitEnd(Await.WAIT)).isTrue();
        }
        assertThat(onServer.awaitClose()).isEqualTo(new RecordingHandler.Closed(1000, "bye", true));
        assertThat(onServer.events().get(0)).isInstanceOf(RecordingHandler.Open.class);
        onServer.assertNothingLeft();
    }

    @Test
    void assertNothingLeftNamesWhatWasNotTaken() throws Exception {
        RecordingHandler onServer = new RecordingHandler();
        server = Loopback.server().route("/ws", onServer).start();
        try (RawClient raw = RawClient.connect(server.port())) {
            raw.handshake("/ws");
            raw.send(RawClient.TEXT, RawClient.utf8("forgotten"));
            Await.eventually("the text arrives", () -> !onServer.texts.isEmpty());
        }
        assertThatThrownBy(onServer::assertNothingLeft).hasMessageContaining("forgotten");
    }

    @Test
    void handshakeFailsWhenTheUpgradeIsRefused() throws Exception {
        server = Loopback.server().route("/ws", WebSocketHandler.echo()).start();
        try (RawClient raw = RawClient.connect(server.port())) {
            assertThatThrownBy(() -> raw.handshake("/nowhere")).isInstanceOf(IOException.class);
        }
    }

    @Test
    void proxyCountsTunnelsAndDemandsCredentials() throws Exception {
        server = Loopback.server().route("/ws", WebSocketHandler.echo()).start();
        try (ConnectProxy proxy = new ConnectProxy("user", "pw");
                Socket s = new Socket("127.0.0.1", proxy.port())) {
            s.getOutputStream()
                    .write(("CONNECT 127.0.0.1:" + server.port() + " HTTP/1.1\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("HTTP/1.1 407");
            assertThat(proxy.tunnels.get()).isZero();
            assertThat(proxy.requests).hasSize(1);
        }
    }

    @Test
    void manualSchedulerRunsOnlyWhenFiredAndNotWhenCancelled() throws Exception {
        ManualScheduler scheduler = new ManualScheduler();
        AtomicInteger runs = new AtomicInteger();
        scheduler.schedule(runs::incrementAndGet, Duration.ofSeconds(5));
        scheduler.schedule(runs::incrementAndGet, Duration.ofSeconds(7)).cancel();
        ManualScheduler.Task first = scheduler.next();
        assertThat(first.delay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(runs).hasValue(0);
        ManualScheduler.fire(first);
        ManualScheduler.fire(scheduler.next());
        assertThat(runs).hasValue(1);
        assertThat(scheduler.isEmpty()).isTrue();
    }

    @Test
    void manualClockMovesOnlyWhenAdvanced() {
        ManualClock clock = new ManualClock();
        long start = clock.millis();
        assertThat(clock.millis()).isEqualTo(start);
        clock.advance(Duration.ofSeconds(3));
        assertThat(clock.instant().toEpochMilli()).isEqualTo(start + 3000);
    }

    @Test
    void awaitFailsInsteadOfHanging() {
        assertThatThrownBy(() -> Await.catchFailure(java.util.concurrent.CompletableFuture.completedFuture(1)))
                .isInstanceOf(AssertionError.class);
        assertThat(await(java.util.concurrent.CompletableFuture.completedFuture("x")))
                .isEqualTo("x");
    }
}
