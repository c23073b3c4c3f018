package io.duplex.examples.chat;

import io.duplex.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.HexFormat;

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
    /**
     * This connection's public tag in presence: a digest of {@link #id}, so another instance can
     * check a {@code resume} key against a member without the secret ever being stored there.
     */
    final String tag;

    final WebSocket ws;
    private final TokenBucket messages;
    private final TokenBucket strikes;
    private final java.util.concurrent.atomic.AtomicLong joins = new java.util.concurrent.atomic.AtomicLong();
    private volatile Room room;
    private volatile String nick;

    Session(String id, WebSocket ws, InstantSource clock) {
        this.id = id;
        this.tag = tagOf(id);
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

    /** Starts a join attempt: any earlier one still waiting for presence is dropped. */
    long joinAttempt() {
        return joins.incrementAndGet();
    }

    /** Whether {@code attempt} is still the connection's latest join. */
    boolean isJoinAttempt(long attempt) {
        return joins.get() == attempt;
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

    /** The presence tag of the connection whose session id is {@code id}. */
    static String tagOf(String id) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Compares a presented resume key in constant time. */
    boolean resumableWith(String key) {
        return key != null
                && MessageDigest.isEqual(id.getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8));
    }
}
