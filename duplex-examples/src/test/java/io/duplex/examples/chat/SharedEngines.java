package io.duplex.examples.chat;

import io.duplex.History;
import io.duplex.HistoryPage;
import io.duplex.HistoryQuery;
import io.duplex.InMemoryPresenceEngine;
import io.duplex.InMemoryStreamEngine;
import io.duplex.Member;
import io.duplex.Position;
import io.duplex.PreparedMessage;
import io.duplex.PresenceEngine;
import io.duplex.PresenceEvent;
import io.duplex.PresencePage;
import io.duplex.PresenceStats;
import io.duplex.StreamEngine;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One in-memory stream store and one presence store shared by several servers in one JVM, a
 * stand-in for Redis: {@link InMemoryStreamEngine} and {@link InMemoryPresenceEngine} keep a single
 * sink (a second {@code start} replaces the first), so each server gets a {@link Node} — its own
 * engines over the shared stores — and the stores' sinks fan each publication and presence event
 * out to the nodes that listen to its topic.
 *
 * <p>A node's presence engine also does what Redis expiry does for a node that stops refreshing its
 * members: {@link Node#crash()} removes every member it joined.
 *
 * <p>Threading: safe from any thread. The stores call the fan-out under their per-topic locks, so
 * every node sees a topic's publications and events in the order the store applied them.
 */
final class SharedEngines {
    private final InMemoryStreamEngine streams;
    private final InMemoryPresenceEngine presence = new InMemoryPresenceEngine();
    private final List<Node> nodes = new CopyOnWriteArrayList<>();

    SharedEngines(java.time.InstantSource clock) {
        streams = new InMemoryStreamEngine(clock, Duration.ofHours(1));
        streams.start(p -> nodes.forEach(n -> n.streamsOut(p)));
        presence.start(e -> nodes.forEach(n -> n.presenceOut(e)));
    }

    /** A new node's pair of engines. */
    Node node() {
        Node n = new Node();
        nodes.add(n);
        return n;
    }

    /** One server's view of the shared stores. */
    final class Node {
        private final Set<String> streamTopics = ConcurrentHashMap.newKeySet();
        private final Set<String> presenceTopics = ConcurrentHashMap.newKeySet();
        /** Client id to topic of the members this node joined. */
        private final Map<String, String> joined = new ConcurrentHashMap<>();

        private volatile StreamEngine.Sink streamSink = p -> {};
        private volatile PresenceEngine.Sink presenceSink = e -> {};

        void streamsOut(io.duplex.Publication p) {
            if (streamTopics.contains(p.topic())) {
                streamSink.onPublication(p);
            }
        }

        void presenceOut(PresenceEvent e) {
            if (presenceTopics.contains(e.topic())) {
                presenceSink.onPresence(e);
            }
        }

        /** The node died: it hears nothing more and its members go, as on Redis after expiry. */
        void crash() {
            nodes.remove(this);
            joined.forEach((clientId, topic) -> presence.leave(topic, clientId));
        }

        final StreamEngine streamEngine = new StreamEngine() {
            @Override
            public void start(Sink sink) {
                streamSink = sink;
            }

            @Override
            public CompletionStage<Position> publish(String topic, PreparedMessage message, History history) {
                return streams.publish(topic, message, history);
            }

            @Override
            public CompletionStage<HistoryPage> history(String topic, HistoryQuery query, History history) {
                return streams.history(topic, query, history);
            }

            @Override
            public CompletionStage<Void> listen(String topic) {
                streamTopics.add(topic);
                return streams.listen(topic); // the store stays listening for every node
            }

            @Override
            public void unlisten(String topic) {
                streamTopics.remove(topic);
            }
        };

        final PresenceEngine presenceEngine = new PresenceEngine() {
            @Override
            public void start(Sink sink) {
                presenceSink = sink;
            }

            @Override
            public CompletionStage<Void> join(String topic, Member member) {
                joined.put(member.clientId(), topic);
                return presence.join(topic, member);
            }

            @Override
            public CompletionStage<Void> leave(String topic, String clientId) {
                joined.remove(clientId);
                return presence.leave(topic, clientId);
            }

            @Override
            public CompletionStage<PresencePage> members(String topic, String cursor, int limit) {
                return presence.members(topic, cursor, limit);
            }

            @Override
            public CompletionStage<PresenceStats> stats(String topic) {
                return presence.stats(topic);
            }

            @Override
            public CompletionStage<Void> listen(String topic) {
                presenceTopics.add(topic);
                return presence.listen(topic);
            }

            @Override
            public void unlisten(String topic) {
                presenceTopics.remove(topic);
            }

            @Override
            public Duration expiry() {
                return Duration.ZERO;
            }
        };
    }
}
