package io.duplex.streams;

import static io.duplex.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.History;
import io.duplex.HistoryPage;
import io.duplex.HistoryQuery;
import io.duplex.Position;
import io.duplex.StreamError;
import io.duplex.StreamException;
import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import io.duplex.testkit.Await;
import io.duplex.testkit.FaultyStreamEngine;
import io.duplex.testkit.Loopback;
import io.duplex.testkit.RecordingHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Streams through real sockets: publish acknowledgements, history pages, subscriptions that recover
 * what was missed — no gap, no duplicate — or say they did not. A client drives a server route with
 * text commands ({@code sub <topic> [<offset>@<epoch>]}, {@code unsub <topic>}); answers come in the
 * {@link LineCodec} format, refusals as {@code err <ERROR>}.
 *
 * <p>Threading: JUnit's; one instance per test method.
 */
class StreamsTest {
    final LineCodec codec = new LineCodec();
    final AtomicReference<WebSocketServer> serverRef = new AtomicReference<>();
    WebSocketServer server;
    final WebSocketClient client = WebSocketClient.builder().build();

    @AfterEach
    void stop() {
        client.close();
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    /** The route's handler: text commands to the server's streams. */
    WebSocketHandler commands() {
        return WebSocketHandler.onText((ws, text) -> {
            String[] w = text.split(" ");
            switch (w[0]) {
                case "sub" -> {
                    Position since = w.length > 2 ? LineCodec.position(w[2]) : null;
                    serverRef.get().streams().subscribe(ws, w[1], since, codec).whenComplete((r, e) -> {
                        if (e != null) {
                            ws.send("err " + error(e));
                        }
                    });
                }
                case "unsub" -> ws.send("unsub " + serverRef.get().streams().unsubscribe(ws, w[1]));
                default -> ws.send("err unknown");
            }
        });
    }

    static StreamError error(Throwable e) {
        Throwable c = e instanceof CompletionException ? e.getCause() : e;
        return c instanceof StreamException s ? s.error() : null;
    }

    WebSocketServer start(UnaryOperator<WebSocketServer.Builder> options) {
        server = options.apply(Loopback.server().route("/s", commands())).start();
        serverRef.set(server);
        return server;
    }

    WebSocketServer start() {
        return start(b -> b.history("h.*", History.of(100, Duration.ofMinutes(5))));
    }

    RecordingHandler connect() {
        RecordingHandler h = new RecordingHandler();
        await(client.connect(Loopback.uri(server, "/s"), h));
        return h;
    }

    Position publish(String topic, String text) {
        return await(server.streams().publish(topic, text).toCompletableFuture());
    }

    /** Subscribes and returns the answer line. */
    static String subscribe(RecordingHandler h, String command) {
        WebSocket ws = await(h.opened);
        ws.send(command);
        return h.nextText();
    }

    @Test
    void publishAcknowledgesConsecutiveOffsetsInOneEpoch() {
        start();
        Position first = publish("h.a", "one");
        Position second = publish("h.a", "two");
        Position other = publish("h.b", "x");
        assertThat(first.offset()).isEqualTo(1);
        assertThat(second).isEqualTo(new Position(first.epoch(), 2));
        assertThat(other.offset()).isEqualTo(1);
    }

    @Test
    void historyPagesOldestOrNewestFirstSinceAPosition() {
        start();
        Position p = null;
        for (int i = 1; i <= 5; i++) {
            p = publish("h.a", "m" + i);
        }
        HistoryPage all = await(
                server.streams().history("h.a", HistoryQuery.since(null, 10)).toCompletableFuture());
        assertThat(all.publications()).extracting(x -> x.offset()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(all.latest()).isEqualTo(p);
        HistoryPage after3 = await(server.streams()
                .history("h.a", HistoryQuery.since(new Position(p.epoch(), 3), 10))
                .toCompletableFuture());
        assertThat(after3.publications()).extracting(x -> x.offset()).containsExactly(4L, 5L);
        HistoryPage newest =
                await(server.streams().history("h.a", HistoryQuery.newest(2)).toCompletableFuture());
        assertThat(newest.publications()).extracting(x -> x.offset()).containsExactly(5L, 4L);
    }

    @Test
    void historyIsBoundedBySize() {
        start(b -> b.history("h.*", History.of(3, Duration.ofMinutes(5))));
        for (int i = 1; i <= 10; i++) {
            publish("h.a", "m" + i);
        }
        HistoryPage page = await(
                server.streams().history("h.a", HistoryQuery.since(null, 100)).toCompletableFuture());
        assertThat(page.publications()).extracting(x -> x.offset()).containsExactly(8L, 9L, 10L);
    }

    @Test
    void refusalsCarryTheirErrorAndChangeNothing() {
        start();
        Position p = publish("h.a", "one");
        assertThat(error(Await.catchFailure(
                        server.streams().publish("bad topic", "x").toCompletableFuture())))
                .isEqualTo(StreamError.BAD_TOPIC);
        assertThat(error(Await.catchFailure(server.streams()
                        .history("plain", HistoryQuery.newest(5))
                        .toCompletableFuture())))
                .isEqualTo(StreamError.NO_HISTORY);
        assertThat(error(Await.catchFailure(server.streams()
                        .history("h.a", HistoryQuery.since(new Position(p.epoch(), 9), 5))
                        .toCompletableFuture())))
                .isEqualTo(StreamError.POSITION_AHEAD);
        RecordingHandler h = connect();
        assertThat(subscribe(h, "sub h.a 9@" + p.epoch())).isEqualTo("err POSITION_AHEAD");
        assertThat(subscribe(h, "sub h.a")).startsWith("sub h.a true 1@");
        assertThat(subscribe(h, "sub h.a")).isEqualTo("err ALREADY_SUBSCRIBED");
        assertThat(server.streams().subscriberCount("h.a")).isEqualTo(1);
    }

    @Test
    void subscriptionsPerSocketAreCapped() {
        start(b -> b.maxStreamSubscriptions(2));
        RecordingHandler h = connect();
        assertThat(subscribe(h, "sub a")).startsWith("sub a true");
        assertThat(subscribe(h, "sub b")).startsWith("sub b true");
        assertThat(subscribe(h, "sub c")).isEqualTo("err TOO_MANY_SUBSCRIPTIONS");
        assertThat(subscribe(h, "unsub a")).isEqualTo("unsub true");
        assertThat(subscribe(h, "sub c")).startsWith("sub c true");
    }

    @Test
    void liveSubscriberGetsEveryPublicationEncodedOncePerPublication() {
        start();
        List<RecordingHandler> subscribers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RecordingHandler h = connect();
            assertThat(subscribe(h, "sub h.a")).startsWith("sub h.a true 0@");
            subscribers.add(h);
        }
        Position last = null;
        for (int i = 1; i <= 20; i++) {
            last = publish("h.a", "m" + i);
        }
        for (RecordingHandler h : subscribers) {
            for (int i = 1; i <= 20; i++) {
                assertThat(h.nextText()).isEqualTo("pub h.a " + i + "@" + last.epoch() + " m" + i);
            }
        }
        assertThat(codec.publicationsEncoded.get()).isEqualTo(20);
    }

    @Test
    void resumingSubscriberGetsTheMissedThenTheLiveOnes() {
        start();
        Position seen = null;
        for (int i = 1; i <= 5; i++) {
            Position p = publish("h.a", "m" + i);
            if (i == 2) {
                seen = p;
            }
        }
        RecordingHandler h = connect();
        assertThat(subscribe(h, "sub h.a " + seen)).isEqualTo("sub h.a true 5@" + seen.epoch() + " 3");
        for (int i = 3; i <= 5; i++) {
            assertThat(h.nextText()).isEqualTo("pub h.a " + i + "@" + seen.epoch() + " m" + i);
        }
        publish("h.a", "m6");
        assertThat(h.nextText()).isEqualTo("pub h.a 6@" + seen.epoch() + " m6");
    }

    /**
     * Publications race the subscribe (the history read and live delivery overlap): whatever the
     * interleaving, the subscriber sees every offset after its position exactly once, in order. The
     * publisher is paced (about 100,000 a second) so that subscribers on loopback keep up: one that
     * cannot is told so (interrupted, or closed with 1008), which other tests cover.
     */
    @Test
    void resumingWhilePublishingRacesHasNoGapAndNoDuplicate() throws Exception {
        start(b -> b.eventLoops(2).history("h.*", History.of(100_000, Duration.ofMinutes(5))));
        Position start = publish("h.race", "m0");
        AtomicBoolean publishing = new AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicLong published = new java.util.concurrent.atomic.AtomicLong(1);
        Thread publisher = new Thread(() -> {
            while (publishing.get()) {
                long n = published.get();
                publish("h.race", "m" + n);
                published.incrementAndGet();
                if (n % 10 == 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                }
            }
        });
        publisher.start();
        List<RecordingHandler> subscribers = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                RecordingHandler h = connect();
                await(h.opened).send("sub h.race " + start);
                subscribers.add(h);
            }
            Await.eventually(
                    "every subscriber answered", () -> subscribers.stream().allMatch(h -> h.texts.peek() != null));
            long answered = published.get();
            Await.eventually("publishing went on after the answers", () -> published.get() > answered + 2_000);
        } finally {
            publishing.set(false);
            publisher.join();
        }
        long last = published.get();
        for (RecordingHandler h : subscribers) {
            assertThat(h.nextText()).startsWith("sub h.race true ");
            for (long expected = start.offset() + 1; expected <= last; expected++) {
                assertThat(h.nextText()).startsWith("pub h.race " + expected + "@" + start.epoch() + " ");
            }
        }
    }

    /** A recovery larger than one history page is read page after page, then goes live. */
    @Test
    void aRecoveryLargerThanOnePageIsReadWhole() {
        int missed = HistoryQuery.MAX_LIMIT * 2 + 500;
        start(b -> b.history("h.*", History.of(missed, Duration.ofMinutes(5))));
        Position start = publish("h.big", "m0");
        for (int i = 1; i <= missed; i++) {
            server.streams().publish("h.big", "m" + i);
        }
        RecordingHandler h = connect();
        assertThat(subscribe(h, "sub h.big " + start))
                .isEqualTo("sub h.big true " + (missed + 1) + "@" + start.epoch() + " " + missed);
        for (int i = 1; i <= missed; i++) {
            assertThat(h.nextText()).isEqualTo("pub h.big " + (i + 1) + "@" + start.epoch() + " m" + i);
        }
        publish("h.big", "live");
        assertThat(h.nextText()).isEqualTo("pub h.big " + (missed + 2) + "@" + start.epoch() + " live");
    }

    @Test
    void aPositionOfAnotherEpochIsNotRecovered() {
        start();
        Position now = publish("h.a", "one");
        RecordingHandler h = connect();
        assertThat(subscribe(h, "sub h.a 7@someOtherEpoch")).isEqualTo("sub h.a false " + now + " 0");
        publish("h.a", "two");
        assertThat(h.nextText()).isEqualTo("pub h.a 2@" + now.epoch() + " two");
    }

    @Test
    void aPositionThatFellOutOfHistoryIsNotRecovered() {
        start(b -> b.history("h.*", History.of(5, Duration.ofMinutes(5))));
        Position first = publish("h.a", "m1");
        Position last = null;
        for (int i = 2; i <= 10; i++) {
            last = publish("h.a", "m" + i);
        }
        RecordingHandler h = connect();
        assertThat(subscribe(h, "sub h.a " + first)).isEqualTo("sub h.a false " + last + " 0");
    }

    @Test
    void moreMissedThanTheRecoveryCapIsNotRecovered() {
        start(b -> b.history("h.*", History.of(100, Duration.ofMinutes(5)).withMaxRecovery(3)));
        Position seen = publish("h.a", "m1");
        for (int i = 2; i <= 4; i++) {
            publish("h.a", "m" + i);
        }
        RecordingHandler h = connect();
        assertThat(subscribe(h, "sub h.a " + seen)).isEqualTo("sub h.a true 4@" + seen.epoch() + " 3");
        Position last = publish("h.a", "m5");
        assertThat(h.nextText()).isEqualTo("pub h.a 2@" + seen.epoch() + " m2");
        RecordingHandler late = connect();
        assertThat(subscribe(late, "sub h.a " + seen)).isEqualTo("sub h.a false " + last + " 0");
    }

    @Test
    void withoutHistoryNothingMissedIsRecoveredAndAnythingMissedIsNot() {
        start();
        Position p = publish("plain", "one");
        RecordingHandler h = connect();
        assertThat(subscribe(h, "sub plain " + p)).isEqualTo("sub plain true " + p + " 0");
        publish("plain", "two");
        assertThat(h.nextText()).isEqualTo("pub plain 2@" + p.epoch() + " two");
        RecordingHandler late = connect();
        assertThat(subscribe(late, "sub plain " + p)).isEqualTo("sub plain false 2@" + p.epoch() + " 0");
    }

    @Test
    void unsubscribeAndCloseEndSubscriptions() {
        start();
        RecordingHandler a = connect();
        RecordingHandler b = connect();
        subscribe(a, "sub h.a");
        subscribe(b, "sub h.a");
        assertThat(server.streams().subscriberCount("h.a")).isEqualTo(2);
        assertThat(subscribe(a, "unsub h.a")).isEqualTo("unsub true");
        assertThat(subscribe(a, "unsub h.a")).isEqualTo("unsub false");
        await(b.opened).close(1000, "bye");
        b.awaitClose();
        Await.eventually("no subscriber left", () -> server.streams().subscriberCount("h.a") == 0);
        publish("h.a", "after");
        assertThat(subscribe(a, "sub h.b")).startsWith("sub h.b true");
        assertThat(a.texts).isEmpty();
    }

    @Test
    void aGapInLiveDeliveryIsFilledFromHistory() {
        FaultyStreamEngine engine = new FaultyStreamEngine();
        start(b -> b.streamEngine(engine).history("h.*", History.of(100, Duration.ofMinutes(5))));
        RecordingHandler h = connect();
        String answer = subscribe(h, "sub h.a");
        String epoch = answer.split(" ")[3].split("@")[1];
        engine.loseLiveDeliveries(o -> o % 3 == 0); // 3, 6, 9 never reach this node live
        for (int i = 1; i <= 10; i++) {
            publish("h.a", "m" + i);
        }
        for (int i = 1; i <= 10; i++) {
            assertThat(h.nextText()).isEqualTo("pub h.a " + i + "@" + epoch + " m" + i);
        }
    }

    @Test
    void aGapHistoryCannotFillIsReportedAsInterrupted() {
        FaultyStreamEngine engine = new FaultyStreamEngine();
        start(b -> b.streamEngine(engine).history("h.*", History.of(2, Duration.ofMinutes(5))));
        RecordingHandler h = connect();
        String epoch = subscribe(h, "sub h.a").split(" ")[3].split("@")[1];
        publish("h.a", "m1");
        assertThat(h.nextText()).isEqualTo("pub h.a 1@" + epoch + " m1");
        engine.loseLiveDeliveries(o -> o >= 2 && o <= 6); // 2..6 lost live; history keeps only 2 of them
        for (int i = 2; i <= 7; i++) {
            publish("h.a", "m" + i);
        }
        assertThat(h.nextText()).isEqualTo("int h.a 7@" + epoch);
        publish("h.a", "m8");
        assertThat(h.nextText()).isEqualTo("pub h.a 8@" + epoch + " m8");
    }

    @Test
    void aNewEpochOnALiveSubscriptionIsReportedThenFollowed() {
        FaultyStreamEngine engine = new FaultyStreamEngine();
        start(b -> b.streamEngine(engine).history("h.*", History.of(100, Duration.ofMinutes(5))));
        RecordingHandler h = connect();
        subscribe(h, "sub h.a");
        Position before = publish("h.a", "m1");
        assertThat(h.nextText()).isEqualTo("pub h.a " + before + " m1");
        engine.loseStore();
        Position after = publish("h.a", "fresh");
        assertThat(after.epoch()).isNotEqualTo(before.epoch());
        assertThat(h.nextText()).isEqualTo("int h.a 0@" + after.epoch());
        assertThat(h.nextText()).isEqualTo("pub h.a 1@" + after.epoch() + " fresh");
    }

    /**
     * A stream subscriber that does not read is closed with 1008 even under the DROP policy, which
     * would otherwise skip publications silently; its client resumes from its last position.
     */
    @Test
    void aStreamSubscriberThatCannotKeepUpIsClosedNotSkipped() throws Exception {
        start(b -> b.config(io.duplex.WebSocketConfig.builder()
                        .outboundLimit(64 * 1024)
                        .slowConsumerPolicy(io.duplex.SlowConsumerPolicy.DROP)
                        .build())
                .history("h.*", History.of(100, Duration.ofMinutes(5))));
        try (io.duplex.testkit.RawClient raw = io.duplex.testkit.RawClient.connect(server.port(), null, 8192)) {
            assertThat(raw.upgrade("/s")).startsWith("HTTP/1.1 101 ");
            raw.sendFrame(0x81, io.duplex.testkit.RawClient.utf8("sub h.a"));
            Await.eventually("subscribed", () -> server.streams().subscriberCount("h.a") == 1);
            String kilobyte = "x".repeat(1024);
            for (int i = 0; i < 50_000 && server.connectionCount() > 0; i++) {
                publish("h.a", kilobyte);
            }
            Await.eventually("the non-reader is cut off", () -> server.connectionCount() == 0);
            Await.eventually("and unsubscribed", () -> server.streams().subscriberCount("h.a") == 0);
        }
    }
}
