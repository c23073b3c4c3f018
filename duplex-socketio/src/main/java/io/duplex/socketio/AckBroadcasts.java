package io.duplex.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import io.duplex.Broker;
import io.duplex.PreparedMessage;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Broadcasts with acknowledgements across the nodes sharing a broker that spans several (a {@code
 * RedisBroker}), as the reference Redis adapter ({@code @socket.io/redis-adapter}) does them:
 *
 * <ol>
 *   <li>The requesting node sends the event to its own targets, publishes an {@link
 *       AckMessage.Request} (request id, rooms, {@code except}, the event, the timeout) on the
 *       namespace's request topic {@code sio>}<i>namespace</i>, which every node serving the
 *       namespace listens to with a {@link Broker.Sink}, and asks the broker how many nodes listen
 *       there ({@link Broker#subscribedNodes}: {@code PUBSUB NUMSUB}, this node included).
 *   <li>Every other node sends the event to its own targets under an ack id of its own, answers
 *       on the requester's reply topic {@code sio<}<i>server id</i> with its number of targets (0
 *       too: the requester waits for every node's count), then with each client's first ack
 *       argument as it comes, and forgets the request at its timeout.
 *   <li>The requester completes once every node reported and the answers equal the sum of the
 *       counts ({@link AckCollector}); at the timeout it fails with the answers so far.
 * </ol>
 *
 * <p>Cost: one request publish, one count per node, one reply per client's ack (the requester's
 * own part never leaves the node). A requester whose node count fails (the broker cannot reach its
 * backend) times out with what came.
 *
 * <p>Only for a broker that spans nodes: with the in-memory broker, {@link BroadcastOperator}
 * keeps the one-node path, which publishes nothing.
 *
 * <p>Threading: safe from any thread. The sinks run on the broker's delivering thread (the
 * publishing thread, or the one relaying from another node: Lettuce's for {@code RedisBroker}).
 */
final class AckBroadcasts implements Broker.Sink {
    private static final System.Logger LOG = System.getLogger(AckBroadcasts.class.getName());

    private final SocketIoServer server;
    /** This server's id: in its request ids and its reply topic. */
    private final String id = SocketIoServer.randomId(9);

    private final AtomicLong sequence = new AtomicLong();
    /**
     * The request this thread is publishing: the broker hands it to this node's own request sink
     * on the publishing thread ({@link Broker.Sink}), which skips it without parsing it.
     */
    private final ThreadLocal<PreparedMessage> publishing = new ThreadLocal<>();
    /** The broadcasts this node requested, by request id, until they complete or time out. */
    private final Map<String, AckCollector> pending = new ConcurrentHashMap<>();

    private volatile boolean closed;

    AckBroadcasts(SocketIoServer server) {
        this.server = server;
        server.broker().subscribe(replyTopic(id), this);
    }

    /** The topic every node serving {@code namespace} listens to for requests. */
    static String requestTopic(String namespace) {
        return "sio>" + namespace;
    }

    /** Where the server {@code serverId} hears the answers to its requests. */
    static String replyTopic(String serverId) {
        return "sio<" + serverId;
    }

    String id() {
        return id;
    }

    /** Broadcasts this node requested that have not completed or timed out. */
    int pendingCount() {
        return pending.size();
    }

    /** Sends the event to the targets on every node and collects their acks. */
    CompletableFuture<List<Object>> emitWithAck(
            Namespace nsp, Set<String> rooms, Set<String> except, Duration timeout, String event, Object[] args) {
        List<byte[]> attachments = new ArrayList<>();
        JsonNode data = SioCodec.JSON.valueToTree(
                SioCodec.withPlaceholders(SioSocket.eventData(event, args, null), attachments));
        AckCollector collector = new AckCollector();
        if (closed) {
            collector.fail(new SocketIoException("server closed"));
            return collector.result();
        }
        String request = id + "." + sequence.incrementAndGet();
        pending.put(request, collector);
        LocalAcks local = LocalAcks.expect(
                nsp,
                rooms,
                except,
                ackId -> SioCodec.encodeEvent(nsp.name(), ackId, data, attachments),
                collector::answer);
        ScheduledFuture<?> timer;
        try {
            timer = server.engine().schedule(collector::timeout, timeout.toMillis());
        } catch (RejectedExecutionException closing) {
            pending.remove(request);
            local.forget();
            collector.fail(new SocketIoException("server closed"));
            return collector.result();
        }
        collector.result().whenComplete((answers, failure) -> {
            pending.remove(request);
            timer.cancel(false);
            local.forget();
        });
        collector.count(id, local.count());
        local.send();
        Broker broker = server.broker();
        String topic = requestTopic(nsp.name());
        PreparedMessage message = AckMessage.encode(
                new AckMessage.Request(request, id, rooms, except, data, attachments, timeout.toMillis()));
        publishing.set(message);
        try {
            broker.publish(topic, message, null);
        } finally {
            publishing.remove();
        }
        // Asked after publishing, as the reference: a node that reports received the request.
        broker.subscribedNodes(topic).whenComplete((nodes, e) -> {
            if (e == null) {
                collector.nodes(nodes);
            } else {
                LOG.log(Level.WARNING, "cannot count the nodes of {0}; the broadcast will time out: {1}", topic, e);
            }
        });
        return collector.result();
    }

    /** On a namespace's request topic: a node asks for a broadcast with acks. */
    void onRequest(Namespace nsp, PreparedMessage message) {
        if (publishing.get() == message) {
            return; // this node's own part was sent when it asked
        }
        if (!(AckMessage.decode(message) instanceof AckMessage.Request r)) {
            LOG.log(Level.WARNING, "skipped a message on {0} that is not a request", requestTopic(nsp.name()));
            return;
        }
        if (r.from().equals(id)) {
            return; // its own, relayed back (a broker that does not skip a node's own messages)
        }
        Broker broker = server.broker();
        String reply = replyTopic(r.from());
        LocalAcks local = LocalAcks.expect(
                nsp,
                r.rooms(),
                r.except(),
                ackId -> SioCodec.encodeEvent(nsp.name(), ackId, r.data(), r.attachments()),
                answer -> broker.publish(reply, answer(r.request(), answer), null));
        broker.publish(reply, AckMessage.encode(new AckMessage.Count(r.request(), id, local.count())), null);
        if (local.count() == 0) {
            return;
        }
        ScheduledFuture<?> timer;
        try {
            timer = server.engine().schedule(local::forget, r.timeoutMillis());
        } catch (RejectedExecutionException closing) {
            local.forget();
            return;
        }
        local.settled().thenRun(() -> timer.cancel(false));
        local.send();
    }

    /** On this server's reply topic: a node's count or a client's ack. */
    @Override
    public void onMessage(String topic, PreparedMessage message) {
        AckMessage m = AckMessage.decode(message);
        if (m == null) {
            LOG.log(Level.WARNING, "skipped a message on {0} that is not an answer", topic);
            return;
        }
        AckCollector collector = pending.get(m.request());
        if (collector == null) {
            return; // completed or timed out: a late answer, as the reference ignores it
        }
        if (m instanceof AckMessage.Count c) {
            collector.count(c.node(), c.count());
        } else if (m instanceof AckMessage.Answer a) {
            try {
                collector.answer(SioCodec.value(a.value(), a.attachments()));
            } catch (SioCodec.BadPacket e) {
                LOG.log(Level.WARNING, "skipped an ack on {0}: {1}", topic, e.getMessage());
            }
        }
    }

    /** Leaves the reply topic; broadcasts still waiting fail with a {@link SocketIoException}. */
    void close() {
        closed = true;
        server.broker().unsubscribe(replyTopic(id), this);
        for (AckCollector c : List.copyOf(pending.values())) {
            c.fail(new SocketIoException("server closed"));
        }
    }

    private static PreparedMessage answer(String request, Object value) {
        List<byte[]> attachments = new ArrayList<>();
        JsonNode tree = SioCodec.JSON.valueToTree(SioCodec.withPlaceholders(value, attachments));
        return AckMessage.encode(new AckMessage.Answer(request, tree, attachments));
    }
}
