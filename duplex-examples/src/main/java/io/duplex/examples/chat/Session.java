package io.duplex.examples.chat;

import io.duplex.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.InstantSource;

/**
 * One chat connection: its secret session id (the key a later connection presents in {@code
 * join.resume} to take over this one's nickname after a network drop), its rate limits and the
 * room it is in.
 *
 * <p>Threading: the buckets are used only from the connection's callbacks, which never overlap.
 * {@code room} and {@code nick} are written there, and by the room (under its lock) when a newer
 * connection resumes this one; other threads read them, hence volatile.
 */
final class Session {
    /** 5 messages a second, bursts of 10. */
    static final int BURST = 10;

    static final double PER_SECOND = 5;
    /** Rate-limited messages tolerated (refilled 1/s) before the connection is closed with 1008. */
    static final int STRIKES = 20;

    final String id;
    final WebSocket ws;
    private final TokenBucket messages;
    private final TokenBucket strikes;
    private volatile Room room;
    private volatile String nick;

    Session(String id, WebSocket ws, InstantSource clock) {
        this.id = id;
        this.ws = ws;
        this.messages = new TokenBucket(BURST, PER_SECOND, clock);
        this.strikes = new TokenBucket(STRIKES, 1, clock);
    }

    /** What to do with the next inbound message. */
    enum Admission {
        ACCEPT,
        REJECT,
        CLOSE
    }

    Admission admit() {
        if (messages.tryTake()) {
            return Admission.ACCEPT;
        }
        return strikes.tryTake() ? Admission.REJECT : Admission.CLOSE;
    }

    Room room() {
        return room;
    }

    String nick() {
        return nick;
    }

    void joined(Room room, String nick) {
        this.room = room;
        this.nick = nick;
    }

    void left() {
        this.room = null;
        this.nick = null;
    }

    /** Compares a presented resume key in constant time. */
    boolean resumableWith(String key) {
        return key != null
                && MessageDigest.isEqual(id.getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8));
    }
}
