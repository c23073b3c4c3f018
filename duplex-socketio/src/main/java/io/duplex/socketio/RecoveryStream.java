package io.duplex.socketio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.duplex.History;
import io.duplex.HistoryPage;
import io.duplex.HistoryQuery;
import io.duplex.Position;
import io.duplex.PreparedMessage;
import io.duplex.Publication;
import io.duplex.StreamEngine;
import io.duplex.StreamException;
import io.duplex.Streams;
import io.duplex.socketio.engine.EngineBatch;
import io.duplex.socketio.engine.SerialQueue;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Connection state recovery for one namespace, on a Duplex stream: "connection state recovery is
 * stream recovery". Every event kept for recovery is one publication on the namespace's stream
 * topic ({@code sio@<namespace>}) of a {@link StreamEngine}, with {@link History} bounded by {@code
 * maxRecoveryPackets} and {@code maxDisconnectionDuration}; the entry carries what the replay filter
 * needs (the target rooms — a socket id is a room — and the {@code except} rooms) and the event's
 * data with binary placeholders, its attachments beside. Every node listens to the topic, and
 * delivers each publication to its own targets from the engine's sink, in offset order. The offset
 * a client is given (the last argument of the event, Socket.IO protocol v5, connection state
 * recovery) is the stream position, {@code <epoch>.<offset>}; a malformed one, or one of another
 * epoch, is refused (the client gets a new socket).
 *
 * <p>The state of a socket that lost its connection (id, private id, rooms, data) is one
 * publication on the topic {@code sio@s.<pid>} (history of 1, kept {@code maxDisconnectionDuration}:
 * on Redis a key with that expiry), so any node sharing the engine can find it. It is taken once:
 * the node that restores it publishes a tombstone and owns the session only if the tombstone got
 * the offset right after the record's (offsets grow by exactly 1 per publication, so of two nodes
 * racing, one wins).
 *
 * <p>With an engine every node shares ({@code RedisStreamEngine}), the emitting node publishes the
 * event and every node delivers it from the stream. With a node-local engine (the default, an
 * {@code InMemoryStreamEngine}), the event goes to every node on the namespace's control topic and
 * each node publishes it into its own stream: a client recovers on the node it left.
 *
 * <p>Threading: safe from any thread. Deliveries (the sink, {@link #onPublication}, through a
 * queue), {@link #finish} and the attach that follows it run under this object's lock, so a recovering socket is put in its rooms
 * at one point of the stream's order (see {@link #finish}). Nothing calls the engine under it.
 */
final class RecoveryStream {
    private static final System.Logger LOG = System.getLogger(RecoveryStream.class.getName());
    private static final PreparedMessage TOMBSTONE = PreparedMessage.text("{\"taken\":true}");

    /** A session found and taken, with the history read after its tap was opened. */
    record Pending(
            String sid,
            String pid,
            Set<String> rooms,
            Map<String, Object> data,
            Position since,
            List<Publication> history,
            Tap tap) {}

    /** What a recovered socket is sent before going live, and the last offset it covers. */
    record Replay(List<EngineBatch> missed, Position upTo) {}

    /** A stored event, decoded. */
    private record Entry(Set<String> to, Set<String> except, ArrayNode data, List<byte[]> attachments) {}

    private record Tapped(Position position, Entry entry) {}

    /** The publications the sink delivered while a recovery read history (bounded). */
    static final class Tap {
        private final long openedNanos = System.nanoTime();
        private final List<Tapped> entries = new ArrayList<>();
        private boolean overflow;
        private boolean closed;
    }

    private final Namespace nsp;
    private final StreamEngine engine;
    private final boolean shared;
    private final String topic;
    private final History history;
    private final History sessionHistory;
    private final Duration maxDisconnectionDuration;
    private final long tapLifetimeNanos;
    private final int maxPackets;
    private final List<Tap> taps = new ArrayList<>();
    private final SerialQueue deliveries = new SerialQueue();
    private Position last;
    private volatile CompletableFuture<Void> ready;

    RecoveryStream(Namespace nsp, SocketIoServer server) {
        this.nsp = nsp;
        this.engine = server.recoveryEngine();
        this.shared = server.recoveryEngineShared();
        this.topic = topicOf(nsp.name());
        this.maxDisconnectionDuration = server.maxDisconnectionDuration();
        this.maxPackets = server.maxRecoveryPackets();
        this.history = History.of(maxPackets, maxDisconnectionDuration);
        this.sessionHistory = History.of(1, maxDisconnectionDuration);
        // A tap lives as long as a connect may take (history read, middleware), then is dropped.
        this.tapLifetimeNanos = server.connectTimeout().toNanos();
        this.ready = engine.listen(topic).toCompletableFuture();
    }

    /** The stream topic of namespace {@code name}: {@code sio@<name>}, or base64url when the name does not fit. */
    static String topicOf(String name) {
        String t = "sio@" + name;
        try {
            Streams.checkTopic(t);
            return t;
        } catch (StreamException e) {
            return "sio@b64."
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(name.getBytes(StandardCharsets.UTF_8));
        }
    }

    String topic() {
        return topic;
    }

    void close() {
        engine.unlisten(topic);
    }

    // ------------------------------------------------------------------ emitting

    /**
     * Sends an event kept for recovery to the sockets in {@code to} (all of the namespace when
     * empty) minus {@code except}, on every node. {@code ownNode}: the targets are on this node (a
     * socket's own emit), so with a node-local engine it is stored here only. When the engine
     * cannot store it (Redis away), the event is still delivered, without an offset, on the
     * control topic.
     */
    void emit(Set<String> to, Set<String> except, String event, Object[] args, boolean ownNode) {
        List<byte[]> attachments = new ArrayList<>();
        Object data = SioCodec.withPlaceholders(SioSocket.eventData(event, args, null), attachments);
        ObjectNode env = SioCodec.JSON.createObjectNode();
        ArrayNode r = env.putArray("r");
        to.forEach(r::add);
        ArrayNode e = env.putArray("e");
        except.forEach(e::add);
        env.set("d", SioCodec.JSON.valueToTree(data));
        if (!attachments.isEmpty()) {
            ArrayNode a = env.putArray("a");
            attachments.forEach(a::add);
        }
        PreparedMessage message;
        try {
            message = PreparedMessage.text(SioCodec.JSON.writeValueAsString(env));
        } catch (JsonProcessingException x) {
            throw new IllegalArgumentException("cannot encode as JSON: " + x.getOriginalMessage(), x);
        }
        if (!shared && !ownNode) {
            nsp.publishStored(message); // every node stores it in its own stream (storeLocal)
            return;
        }
        engine.publish(topic, message, history).whenComplete((p, x) -> {
            if (x != null) {
                LOG.log(Level.WARNING, "{0}: event not kept for recovery ({1}); delivered without an offset", topic, x);
                nsp.publishControl(
                        to,
                        except,
                        SioCodec.encode(SioPacket.EVENT, nsp.name(), -1, SioSocket.eventData(event, args, null)));
            }
        });
    }

    /** A node-local engine: a kept event that came on the control topic is stored (and delivered) here. */
    void storeLocal(PreparedMessage message) {
        engine.publish(topic, message, history).whenComplete((p, x) -> {
            if (x != null) {
                LOG.log(Level.WARNING, "{0}: event not kept for recovery: {1}", topic, x);
            }
        });
    }

    // ------------------------------------------------------------------ delivering

    /**
     * The engine's sink for this namespace's topic: called in offset order, never concurrently.
     * Handed to a queue of its own: a delivery may run a session's queued tasks on this thread
     * ({@link SerialQueue} runs on the caller when idle), among them a handler that emits — with
     * an engine that calls its sink on the publishing thread, that publication's delivery then
     * waits for this one to finish instead of overtaking it.
     */
    void onPublication(Publication p) {
        deliveries.execute(() -> deliver(p));
    }

    /**
     * Delivers the event to this node's targets with its offset, and hands it to every open tap.
     * A recovered socket skips what its replay already covered.
     */
    private synchronized void deliver(Publication p) {
        Position pos = p.position();
        if (last != null && last.epoch().equals(pos.epoch())) {
            if (pos.offset() <= last.offset()) {
                return; // delivered already (an engine that resubscribed hands over its newest)
            }
            if (pos.offset() > last.offset() + 1) {
                // Live delivery lost publications (the engine's connection dropped): sockets here
                // missed them; a client that reconnects still finds them in history.
                LOG.log(Level.WARNING, "{0}: {1} events not delivered live", topic, pos.offset() - last.offset() - 1);
            }
        }
        last = pos;
        Entry entry = decode(p);
        if (entry == null) {
            return;
        }
        long now = System.nanoTime();
        for (Iterator<Tap> it = taps.iterator(); it.hasNext(); ) {
            Tap tap = it.next();
            if (now - tap.openedNanos > tapLifetimeNanos) {
                tap.closed = true;
                it.remove();
            } else if (tap.entries.size() >= maxPackets) {
                tap.overflow = true;
            } else {
                tap.entries.add(new Tapped(pos, entry));
            }
        }
        EngineBatch batch = batch(entry, pos);
        for (SioSocket s : nsp.targets(entry.to, entry.except)) {
            if (!s.replayed(pos)) {
                s.sendShared(batch);
            }
        }
    }

    private EngineBatch batch(Entry e, Position pos) {
        ArrayNode data = e.data.deepCopy();
        data.add(offsetOf(pos));
        return new EngineBatch(SioCodec.encodeEvent(nsp.name(), data, e.attachments));
    }

    private Entry decode(Publication p) {
        try {
            JsonNode env = SioCodec.JSON.readTree(StandardCharsets.UTF_8
                    .decode(p.message().payload().duplicate())
                    .toString());
            if (!(env.path("d") instanceof ArrayNode data)) {
                throw new IOException("no data");
            }
            List<byte[]> attachments = new ArrayList<>();
            for (JsonNode a : env.path("a")) {
                attachments.add(a.binaryValue());
            }
            return new Entry(strings(env.path("r")), strings(env.path("e")), data, attachments);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "{0}: bad stored event at {1}", topic, p.position());
            return null;
        }
    }

    static Set<String> strings(JsonNode array) {
        Set<String> out = new HashSet<>();
        for (JsonNode n : array) {
            out.add(n.asText());
        }
        return out;
    }

    // ------------------------------------------------------------------ sessions

    /** Keeps the state of a socket that lost its connection, where every node sharing the engine finds it. */
    void persist(String sid, String pid, Set<String> rooms, Map<String, Object> data) {
        ObjectNode record = SioCodec.JSON.createObjectNode();
        record.put("sid", sid);
        record.put("pid", pid);
        ArrayNode r = record.putArray("rooms");
        rooms.forEach(r::add);
        PreparedMessage message;
        try {
            record.set("data", SioCodec.JSON.valueToTree(data));
            message = PreparedMessage.text(SioCodec.JSON.writeValueAsString(record));
        } catch (IllegalArgumentException | JsonProcessingException e) {
            LOG.log(Level.WARNING, "{0}: socket {1} not kept for recovery: its data is not JSON ({2})", topic, sid, e);
            return;
        }
        engine.publish(sessionTopic(pid), message, sessionHistory).whenComplete((p, x) -> {
            if (x != null) {
                LOG.log(Level.WARNING, "{0}: socket {1} not kept for recovery: {2}", topic, sid, x);
            }
        });
    }

    private static String sessionTopic(String pid) {
        return "sio@s." + pid;
    }

    /**
     * Finds and takes session {@code pid} and reads the events after {@code offset}: completes
     * with null when it cannot be recovered (malformed or foreign offset, unknown, expired or
     * already taken session, the offset no longer kept, more than {@code maxRecoveryPackets}
     * missed, the engine unreachable). Never fails. The result must be {@link #finish finished}
     * or {@link #abandon abandoned}.
     *
     * <p>Nothing is lost or doubled, across nodes: the tap is opened (under the lock the sink
     * delivers under) before history is read, so every publication is either stored before the
     * read (in history) or delivered by the sink after the tap opened (in the tap) — or both,
     * deduplicated by offset in {@link #finish}. The node listens to the topic before any tap
     * opens, so the sink receives everything stored after that point.
     */
    CompletionStage<Pending> restore(String pid, String offset) {
        Position since = parseOffset(offset);
        if (since == null || !Position.validEpoch(pid)) {
            return CompletableFuture.completedFuture(null);
        }
        return ready().thenCompose(v -> {
                    Tap tap = openTap();
                    return takeSession(pid)
                            .thenCompose(session -> session == null
                                    ? CompletableFuture.completedFuture(null)
                                    : engine.history(topic, HistoryQuery.since(since, readLimit()), history)
                                            .thenApply(page -> recoverable(page, since)
                                                    ? pending(session, since, page.publications(), tap)
                                                    : null))
                            .handle((pending, x) -> {
                                if (x != null) {
                                    LOG.log(Level.WARNING, "{0}: recovery of {1} failed: {2}", topic, pid, x);
                                }
                                if (pending == null) {
                                    closeTap(tap);
                                }
                                return pending;
                            });
                })
                .exceptionally(x -> null);
    }

    private CompletableFuture<Void> ready() {
        CompletableFuture<Void> r = ready;
        if (r.isCompletedExceptionally()) {
            r = engine.listen(topic).toCompletableFuture();
            ready = r;
        }
        return r;
    }

    private int readLimit() {
        return Math.min(maxPackets, HistoryQuery.MAX_LIMIT);
    }

    private boolean recoverable(HistoryPage page, Position since) {
        Position latest = page.latest();
        if (!latest.epoch().equals(since.epoch()) || since.offset() > latest.offset()) {
            return false; // another epoch (history lost, another deployment) or never reached
        }
        List<Publication> pubs = page.publications();
        if (latest.offset() == since.offset()) {
            return true;
        }
        if (pubs.isEmpty() || pubs.get(0).offset() != since.offset() + 1) {
            return false; // fell out of history
        }
        return pubs.size() < readLimit() || pubs.get(pubs.size() - 1).offset() >= latest.offset();
    }

    @SuppressWarnings("unchecked")
    private static Pending pending(JsonNode s, Position since, List<Publication> history, Tap tap) {
        Map<String, Object> data = SioCodec.JSON.convertValue(s.path("data"), LinkedHashMap.class);
        return new Pending(
                s.path("sid").asText(),
                s.path("pid").asText(),
                strings(s.path("rooms")),
                data == null ? Map.of() : data,
                since,
                history,
                tap);
    }

    /** The session record, taken (null when there is none to take). */
    private CompletionStage<JsonNode> takeSession(String pid) {
        String t = sessionTopic(pid);
        return engine.history(t, HistoryQuery.newest(1), sessionHistory).thenCompose(page -> {
            if (page.publications().isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            Publication p = page.publications().get(0);
            JsonNode record;
            try {
                record = SioCodec.JSON.readTree(StandardCharsets.UTF_8
                        .decode(p.message().payload().duplicate())
                        .toString());
            } catch (JsonProcessingException e) {
                return CompletableFuture.completedFuture(null);
            }
            if (!record.path("sid").isTextual()
                    || System.currentTimeMillis() - p.timeMillis() > maxDisconnectionDuration.toMillis()) {
                return CompletableFuture.completedFuture(null); // a tombstone, or expired
            }
            return engine.publish(t, TOMBSTONE, sessionHistory)
                    .thenApply(q ->
                            q.epoch().equals(p.position().epoch()) && q.offset() == p.offset() + 1 ? record : null);
        });
    }

    private synchronized Tap openTap() {
        Tap tap = new Tap();
        taps.add(tap);
        return tap;
    }

    private synchronized void closeTap(Tap tap) {
        tap.closed = true;
        taps.remove(tap);
    }

    /** A restore that will not be finished (the client left, middleware refused). */
    void abandon(Pending pending) {
        closeTap(pending.tap);
    }

    /**
     * Under this lock, with the socket's attach (rooms joined) in the same critical section: the
     * events meant for the session after its offset — from history up to the first tapped
     * publication, then the tapped ones — or null when continuity cannot be promised (the tap
     * overflowed or expired, the epoch changed, a gap between history and tap). Live deliveries
     * after this point reach the socket through its rooms; those the replay covered already
     * (stored before the read but not yet delivered here) are skipped by offset.
     */
    synchronized Replay finish(Pending pending) {
        Tap tap = pending.tap;
        boolean usable = !tap.closed && !tap.overflow;
        closeTap(tap);
        if (!usable) {
            return null;
        }
        String epoch = pending.since.epoch();
        long upTo = pending.since.offset();
        long firstTapped = tap.entries.isEmpty()
                ? Long.MAX_VALUE
                : tap.entries.get(0).position.offset();
        List<EngineBatch> missed = new ArrayList<>();
        for (Publication p : pending.history) {
            if (p.offset() > upTo && p.offset() < firstTapped) {
                Entry e = decode(p);
                if (e != null && meantFor(e, pending.rooms)) {
                    missed.add(batch(e, p.position()));
                }
                upTo = p.offset();
            }
        }
        if (!tap.entries.isEmpty() && upTo < firstTapped - 1) {
            return null;
        }
        for (Tapped t : tap.entries) {
            if (!t.position.epoch().equals(epoch)) {
                return null;
            }
            if (t.position.offset() > upTo) {
                if (meantFor(t.entry, pending.rooms)) {
                    missed.add(batch(t.entry, t.position));
                }
                upTo = t.position.offset();
            }
        }
        return new Replay(missed, new Position(epoch, upTo));
    }

    /** The reference's filter: in one of the target rooms (any when none), in no excluded one. */
    private static boolean meantFor(Entry e, Set<String> rooms) {
        boolean in = e.to.isEmpty();
        for (String r : e.to) {
            if (rooms.contains(r)) {
                in = true;
                break;
            }
        }
        if (!in) {
            return false;
        }
        for (String r : e.except) {
            if (rooms.contains(r)) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ offsets

    /** The Socket.IO offset of a stream position: {@code <epoch>.<offset>}. */
    static String offsetOf(Position p) {
        return p.epoch() + "." + p.offset();
    }

    /** The stream position of a client's offset, or null when it is not one of ours. */
    static Position parseOffset(String offset) {
        int dot = offset.lastIndexOf('.');
        if (dot <= 0 || dot == offset.length() - 1 || offset.length() - dot > 19) {
            return null;
        }
        String epoch = offset.substring(0, dot);
        for (int i = dot + 1; i < offset.length(); i++) {
            if (!Character.isDigit(offset.charAt(i)) || offset.charAt(i) > '9') {
                return null;
            }
        }
        if (!Position.validEpoch(epoch)) {
            return null;
        }
        return new Position(epoch, Long.parseLong(offset.substring(dot + 1)));
    }
}
