package io.duplex.topics.client;

import static io.duplex.testkit.Await.await;
import static io.duplex.testkit.Await.catchFailure;
import static io.duplex.testkit.Await.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.History;
import io.duplex.HistoryPage;
import io.duplex.HistoryQuery;
import io.duplex.InMemoryStreamEngine;
import io.duplex.Position;
import io.duplex.PreparedMessage;
import io.duplex.ReconnectPolicy;
import io.duplex.StreamEngine;
import io.duplex.StreamException;
import io.duplex.testkit.FaultyStreamEngine;
import io.duplex.topics.client.RecordingListener.Pub;
import io.duplex.topics.client.RecordingListener.Subscribed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link TopicsClient} against the module's {@code TopicsHandler} on real sockets: request and
 * reply round trips, resuming after connection drops while another thread publishes, a restarted
 * server (a new epoch: not recovered), and publish acknowledgements lost with the connection.
 */
class TopicsClientTest {
    /** Short delays: a loopback server is back at once, and the tests measure the resume time. */
    private static final ReconnectPolicy FAST =
            ReconnectPolicy.defaults().withDelays(Duration.ofMillis(10), Duration.ofMillis(100));

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<ConnectionState> states = new CopyOnWriteArrayList<>();
    /** When the client saw its connection lost (System.nanoTime), in order. */
    private final List<Long> lostAt = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        resources.add(resource);
        return resource;
    }

    private TopicsClient connected(TopicsTestServer server) {
        TopicsClient client = closeLater(TopicsClient.builder(server.uri())
                .reconnect(FAST)
                .onStateChange(state -> {
                    if (state == ConnectionState.RECONNECTING) {
                        lostAt.add(System.nanoTime());
                    }
                    states.add(state);
                })
                .build());
        await(client.connect());
        return client;
    }

    /**
     * UNAVAILABLE (5001: the server is starting, or its store is unreachable) is transient: the
     * client asks again with backoff instead of ending the subscription, and once the store is
     * back the subscription is answered and publications flow.
     */
    @Test
    void aSubscribeAnsweredUnavailableIsRetriedUntilTheServerCanServeIt() {
        FaultyStreamEngine engine = new FaultyStreamEngine();
        engine.refuseListens(true);
        TopicsTestServer server = closeLater(TopicsTestServer.start(0, engine));
        TopicsClient client = connected(server);
        RecordingListener listener = new RecordingListener();
        client.subscribe("news", listener);
        io.duplex.testkit.Await.eventually("refused twice", () -> engine.refusedListens() >= 2);
        engine.refuseListens(false);
        Subscribed answered = listener.next(Subscribed.class);
        assertThat(answered.recovered()).isTrue();
        await(client.publish("news", "back"));
        assertThat(listener.next(Pub.class).data().asText()).isEqualTo("back");
    }

    @Test
    void subscribePublishHistoryAndRefusalsRoundTrip() {
        TopicsTestServer server = closeLater(TopicsTestServer.start());
        TopicsClient client = connected(server);
        assertThat(client.state()).isEqualTo(ConnectionState.OPEN);

        RecordingListener lobby = new RecordingListener();
        Subscription subscription = client.subscribe("chat.lobby", lobby);
        Subscribed first = lobby.next(Subscribed.class);
        assertThat(first.recovered()).isTrue();
        assertThat(first.position().offset()).isZero();

        Position p1 = await(client.publish("chat.lobby", Map.of("text", "hi")));
        Position p2 = await(client.publish("chat.lobby", List.of(1, 2, 3)));
        assertThat(p1).isEqualTo(new Position(first.position().epoch(), 1));
        assertThat(p2).isEqualTo(p1.next());
        Pub pub1 = lobby.next(Pub.class);
        assertThat(pub1.position()).isEqualTo(p1);
        assertThat(pub1.data().get("text").asText()).isEqualTo("hi");
        assertThat(lobby.next(Pub.class).data().toString()).isEqualTo("[1,2,3]");
        assertThat(subscription.position()).isEqualTo(p2);

        // A publication of the server's Java API arrives too, as JSON when the text is JSON.
        server.publish("chat.lobby", "{\"from\":\"server\"}");
        assertThat(lobby.next(Pub.class).data().get("from").asText()).isEqualTo("server");

        TopicHistoryPage page = await(client.history("chat.lobby", HistoryQuery.since(p1, 10)));
        assertThat(page.latest()).isEqualTo(p2.next());
        assertThat(page.publications())
                .extracting(ReceivedPublication::position)
                .containsExactly(p2, p2.next());
        TopicHistoryPage newest = await(client.history("chat.lobby", HistoryQuery.newest(2)));
        assertThat(newest.publications())
                .extracting(ReceivedPublication::position)
                .containsExactly(p2.next(), p2);
        assertThat(newest.publications().get(0).timeMillis()).isPositive();

        // Refusals carry the protocol's stable codes; the connection stays open.
        TopicsException badTopic = (TopicsException) catchFailure(client.publish("no spaces", 1));
        assertThat(badTopic.code()).isEqualTo(4001);
        TopicsException ahead = (TopicsException)
                catchFailure(client.history("chat.lobby", HistoryQuery.since(new Position(p1.epoch(), 99), 10)));
        assertThat(ahead.code()).isEqualTo(4003);
        assertThat(ahead.error()).isEqualTo("POSITION_AHEAD");
        await(client.ping());

        // A subscription from a position the topic never reached is refused, and forgotten.
        RecordingListener refused = new RecordingListener();
        Position other = await(client.publish("chat.other", "first"));
        Subscription gone = client.subscribe("chat.other", new Position(other.epoch(), 99), refused);
        assertThat(refused.next(RecordingListener.Error.class).code()).isEqualTo(4003);
        assertThat(gone.active()).isFalse();

        assertThatThrownBy(() -> client.subscribe("chat.lobby", lobby)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> client.subscribe("bad topic", lobby)).isInstanceOf(StreamException.class);

        await(subscription.unsubscribe());
        assertThat(subscription.active()).isFalse();
        eventually(
                "the server ended the subscription",
                () -> server.server().streams().subscriberCount("chat.lobby") == 0);
    }

    @Test
    void resumesAfterEveryDropWithConsecutiveOffsetsNoDuplicateAndRecovered() throws Exception {
        int total = 20_000;
        int[] dropAt = {2_000, 8_000, 14_000};
        TopicsTestServer server = closeLater(TopicsTestServer.start());
        TopicsClient client = connected(server);
        RecordingListener listener = new RecordingListener();
        client.subscribe("feed", listener);
        Position start = listener.next(Subscribed.class).position();

        Thread publisher = new Thread(
                () -> {
                    for (int i = 1; i <= total; i++) {
                        server.server().streams().publish("feed", "{\"n\":" + i + "}");
                    }
                },
                "publisher");
        publisher.start();

        // Drop to the subscribe answer, and the client's noticing the loss (after it has read what
        // was in flight) to the answer.
        List<Long> resumeMillis = new ArrayList<>();
        List<Long> lostToSubscribedMillis = new ArrayList<>();
        for (int i = 0; i < dropAt.length; i++) {
            int at = dropAt[i];
            eventually("publication " + at + " arrived", () -> listener.lastOffset >= at);
            int subscribedBefore = listener.all(Subscribed.class).size();
            long dropped = System.nanoTime();
            assertThat(server.dropConnections()).isEqualTo(1);
            eventually(
                    "resubscribed after drop " + (i + 1),
                    () -> listener.all(Subscribed.class).size() > subscribedBefore);
            Subscribed again = listener.all(Subscribed.class).get(subscribedBefore);
            resumeMillis.add((again.nanos() - dropped) / 1_000_000);
            lostToSubscribedMillis.add((again.nanos() - lostAt.get(lostAt.size() - 1)) / 1_000_000);
        }
        publisher.join(Duration.ofSeconds(10).toMillis());
        assertThat(publisher.isAlive()).isFalse();
        eventually("all " + total + " publications arrived", () -> listener.lastOffset >= total);

        List<Pub> pubs = listener.all(Pub.class);
        assertThat(pubs).hasSize(total);
        for (int i = 0; i < total; i++) {
            Pub p = pubs.get(i);
            assertThat(p.position()).as("publication %d", i + 1).isEqualTo(new Position(start.epoch(), i + 1));
            assertThat(p.data().get("n").asInt()).isEqualTo(i + 1);
        }
        List<Subscribed> subscribed = listener.all(Subscribed.class);
        assertThat(subscribed.size()).isGreaterThanOrEqualTo(dropAt.length + 1);
        assertThat(subscribed).allSatisfy(s -> assertThat(s.recovered()).isTrue());
        assertThat(listener.all(RecordingListener.Interrupted.class)).isEmpty();
        assertThat(states).contains(ConnectionState.RECONNECTING);
        System.out.printf(
                "TopicsClient resume (loopback, backoff 10-100 ms): drop to subscribed %s ms, loss seen to subscribed %s ms; %d reconnects%n",
                resumeMillis, lostToSubscribedMillis, lostAt.size());
    }

    /**
     * A subscriber whose client stops reading (its listener blocks the client's loop) passes the
     * server's outbound limit: the server closes it (1013, Try Again Later) rather than skipping
     * publications, and once the client reads again it reconnects and resumes without a loss.
     */
    @Test
    void aSubscriberThatFellBehindIsClosedAndResumesWithoutLoss() throws Exception {
        TopicsTestServer server = closeLater(TopicsTestServer.start(
                io.duplex.WebSocketConfig.builder().outboundLimit(64 * 1024).build()));
        TopicsClient client = connected(server);
        RecordingListener recorded = new RecordingListener();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        client.subscribe("feed", new TopicListener() {
            @Override
            public void onSubscribed(boolean recovered, Position position) {
                recorded.onSubscribed(recovered, position);
            }

            @Override
            public void onPublication(Position position, com.fasterxml.jackson.databind.JsonNode data) {
                recorded.onPublication(position, data);
                if (position.offset() == 1) {
                    try {
                        // Holds the client's loop: nothing more is read until released.
                        release.await(30, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }

            @Override
            public void onInterrupted(Position position) {
                recorded.onInterrupted(position);
            }

            @Override
            public void onError(int code, String message) {
                recorded.onError(code, message);
            }
        });
        recorded.next(Subscribed.class);
        // 64 MB, in random letters so that permessage-deflate cannot shrink it: far more than the
        // kernel's socket buffers take for a peer that reads nothing, so the server's queue for it
        // passes the outbound limit.
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        StringBuilder letters = new StringBuilder();
        for (int i = 0; i < 16_000; i++) {
            letters.append((char) ('a' + random.nextInt(26)));
        }
        String pad = letters.toString();
        int published = 4_000;
        for (int i = 1; i <= published; i++) {
            server.publish("feed", "{\"n\":" + i + ",\"pad\":\"" + pad + "\"}");
        }
        eventually(
                "the server let the subscriber go",
                () -> server.server().streams().subscriberCount("feed") == 0);
        release.countDown();
        int total = published;
        eventually("all " + total + " publications arrived", () -> recorded.lastOffset >= total);
        List<Pub> pubs = recorded.all(Pub.class);
        assertThat(pubs)
                .extracting(p -> p.position().offset())
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, total)
                        .boxed()
                        .toList());
        assertThat(recorded.all(Subscribed.class))
                .hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(s -> assertThat(s.recovered()).isTrue());
        assertThat(states).contains(ConnectionState.RECONNECTING);
    }

    @Test
    void aRestartedServerIsNotRecoveredAndTheNewEpochFollows() {
        TopicsTestServer first = TopicsTestServer.start();
        int port = first.port();
        TopicsClient client = connected(first);
        RecordingListener listener = new RecordingListener();
        client.subscribe("orders", listener);
        String oldEpoch = listener.next(Subscribed.class).position().epoch();
        for (int i = 1; i <= 3; i++) {
            first.publish("orders", "{\"n\":" + i + "}");
        }
        for (int i = 1; i <= 3; i++) {
            assertThat(listener.next(Pub.class).position().offset()).isEqualTo(i);
        }

        long stopped = System.nanoTime();
        first.close();
        eventually("the client is reconnecting", () -> client.state() == ConnectionState.RECONNECTING);
        TopicsTestServer second = closeLater(TopicsTestServer.start(port, new InMemoryStreamEngine()));

        Subscribed after = listener.next(Subscribed.class);
        System.out.printf("TopicsClient back after a server restart: %d ms%n", (after.nanos() - stopped) / 1_000_000);
        assertThat(after.recovered()).isFalse();
        assertThat(after.position().epoch()).isNotEqualTo(oldEpoch);
        assertThat(after.position().offset()).isZero();
        Position p = second.publish("orders", "{\"n\":\"new\"}");
        Pub pub = listener.next(Pub.class);
        assertThat(pub.position())
                .isEqualTo(p)
                .isEqualTo(new Position(after.position().epoch(), 1));
    }

    @Test
    void aPublishWhoseAckIsLostFailsAndMayHaveBeenStored() {
        HeldAcks engine = new HeldAcks();
        TopicsTestServer server = closeLater(TopicsTestServer.start(0, engine));
        TopicsClient client = connected(server);

        engine.hold.set(true);
        CompletableFuture<Position> publish = client.publish("jobs", Map.of("job", 7));
        eventually("the engine stored the publication", () -> engine.held.size() == 1);
        assertThat(publish).isNotDone();
        server.dropConnections();
        assertThat(catchFailure(publish)).isInstanceOf(ConnectionLostException.class);

        // It was stored: retrying would publish it twice (at-least-once).
        engine.hold.set(false);
        eventually("reconnected", () -> client.state() == ConnectionState.OPEN && server.connections() == 1);
        HistoryPage stored = await(server.server()
                .streams()
                .history("jobs", HistoryQuery.since(null, 10))
                .toCompletableFuture());
        assertThat(stored.publications()).hasSize(1);
    }

    @Test
    void requestsFailAtOnceWhenClosedAndSubscriptionsWaitForTheConnection() {
        TopicsTestServer server = closeLater(TopicsTestServer.start());
        TopicsClient client =
                closeLater(TopicsClient.builder(server.uri()).reconnect(FAST).build());
        // Subscribed before connecting: sent once the connection opens.
        RecordingListener listener = new RecordingListener();
        client.subscribe("early", listener);
        assertThat(catchFailure(client.publish("early", 1))).isInstanceOf(ConnectionLostException.class);
        await(client.connect());
        assertThat(listener.next(Subscribed.class).recovered()).isTrue();

        client.close();
        assertThat(client.state()).isEqualTo(ConnectionState.CLOSED);
        assertThat(catchFailure(client.publish("early", 2))).isInstanceOf(ConnectionLostException.class);
        assertThat(catchFailure(client.history("early", HistoryQuery.newest(1))))
                .isInstanceOf(ConnectionLostException.class);
        assertThatThrownBy(() -> client.subscribe("late", listener)).isInstanceOf(IllegalStateException.class);
    }

    /** An in-memory engine whose publish acknowledgements can be held back (stored, never acknowledged). */
    private static final class HeldAcks implements StreamEngine {
        final InMemoryStreamEngine delegate = new InMemoryStreamEngine();
        final AtomicBoolean hold = new AtomicBoolean();
        final List<CompletionStage<Position>> held = new CopyOnWriteArrayList<>();

        @Override
        public void start(Sink sink) {
            delegate.start(sink);
        }

        @Override
        public CompletionStage<Position> publish(String topic, PreparedMessage message, History history) {
            CompletionStage<Position> stored = delegate.publish(topic, message, history);
            if (!hold.get()) {
                return stored;
            }
            held.add(stored);
            return new CompletableFuture<>();
        }

        @Override
        public CompletionStage<HistoryPage> history(String topic, HistoryQuery query, History history) {
            return delegate.history(topic, query, history);
        }

        @Override
        public CompletionStage<Void> listen(String topic) {
            return delegate.listen(topic);
        }

        @Override
        public void unlisten(String topic) {
            delegate.unlisten(topic);
        }
    }
}
