package io.duplex.socketio;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A Socket.IO namespace ({@code "/"}, {@code "/admin"}, …): its middleware, its connection
 * listeners, its sockets and rooms, and broadcasts to them.
 *
 * <p>Threading: safe from any thread. Middleware and connection listeners run on the connecting
 * socket's session queue.
 */
public final class Namespace {
    private final String name;
    private final List<Middleware> middleware = new CopyOnWriteArrayList<>();
    private final List<Consumer<SioSocket>> connectionListeners = new CopyOnWriteArrayList<>();
    private final Map<String, SioSocket> sockets = new ConcurrentHashMap<>();
    private final Map<String, Set<SioSocket>> rooms = new ConcurrentHashMap<>();

    Namespace(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /**
     * Listens to {@code "connection"} (or its alias {@code "connect"}): a socket joined, after
     * every middleware let it in. Register the socket's own handlers here.
     */
    public Namespace on(String event, Consumer<SioSocket> listener) {
        if (!event.equals("connection") && !event.equals("connect")) {
            throw new IllegalArgumentException("a namespace emits \"connection\" only");
        }
        connectionListeners.add(listener);
        return this;
    }

    /** Adds a middleware; they run in order for each connecting socket. */
    public Namespace use(Middleware m) {
        middleware.add(m);
        return this;
    }

    /** The sockets in {@code room}. */
    public BroadcastOperator to(String room) {
        return new BroadcastOperator(this, Set.of(room), Set.of(), null);
    }

    /** Every socket but those in {@code room}. */
    public BroadcastOperator except(String room) {
        return new BroadcastOperator(this, Set.of(), Set.of(room), null);
    }

    /** Sends an event to every socket of the namespace. */
    public int emit(String event, Object... args) {
        return new BroadcastOperator(this, Set.of(), Set.of(), null).emit(event, args);
    }

    /** The connected sockets, by id. */
    public Map<String, SioSocket> sockets() {
        return Map.copyOf(sockets);
    }

    // ------------------------------------------------------------------ package

    List<Middleware> middleware() {
        return middleware;
    }

    void connected(SioSocket s) {
        sockets.put(s.id(), s);
        s.markConnected();
        for (Consumer<SioSocket> l : connectionListeners) {
            l.accept(s);
        }
    }

    void removeSocket(SioSocket s) {
        sockets.remove(s.id(), s);
    }

    Collection<SioSocket> socketsView() {
        return sockets.values();
    }

    Set<SioSocket> members(String room) {
        Set<SioSocket> m = rooms.get(room);
        return m == null ? Set.of() : m;
    }

    void addToRoom(String room, SioSocket s) {
        rooms.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(s);
    }

    void removeFromRoom(String room, SioSocket s) {
        rooms.computeIfPresent(room, (r, m) -> {
            m.remove(s);
            return m.isEmpty() ? null : m;
        });
    }
}
