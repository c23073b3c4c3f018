package io.duplex.internal;

import io.duplex.WebSocketConfig;

/**
 * The timers of an open connection, as deadlines in {@link System#nanoTime()} checked on the
 * loop's tick: a Ping every {@code pingInterval} with at most one outstanding, failing the
 * connection when its Pong is later than {@code pongTimeout} (RFC 6455 §5.5.2 makes the Pong
 * mandatory, so its absence means the peer or the path is gone), and the idle timeout, counted
 * from the last message either way (Pings and Pongs are not activity).
 *
 * <p>Threading: confined to the connection's event loop.
 */
final class Keepalive {
    private final long pingInterval;
    private final long pongTimeout;
    private final long idleTimeout;

    /** When the next Ping is due; 0 when keepalive is off. */
    private long pingDue;
    /** When the outstanding Ping's Pong is overdue; 0 when none is outstanding. */
    private long pongDeadline;

    private long lastActivity;

    Keepalive(WebSocketConfig config) {
        this.pingInterval = config.pingInterval().toNanos();
        this.pongTimeout = config.pongTimeout().toNanos();
        this.idleTimeout = config.idleTimeout().toNanos();
    }

    void opened(long now) {
        lastActivity = now;
        if (pingInterval != 0) {
            pingDue = now + pingInterval;
        }
    }

    /** A message was sent or received. */
    void active(long now) {
        lastActivity = now;
    }

    /** A Pong arrived (solicited or not, RFC 6455 §5.5.3): nothing is outstanding any more. */
    void ponged() {
        pongDeadline = 0;
    }

    boolean pongOverdue(long now) {
        return pongDeadline != 0 && now - pongDeadline >= 0;
    }

    /** Whether to send a Ping now; if so, its Pong is awaited from now on. */
    boolean pingDue(long now) {
        if (pingDue == 0 || now - pingDue < 0) {
            return false;
        }
        pingDue = now + pingInterval;
        if (pongDeadline != 0) {
            return false; // one outstanding at a time
        }
        pongDeadline = now + pongTimeout;
        return true;
    }

    boolean idle(long now) {
        return idleTimeout != 0 && now - lastActivity >= idleTimeout;
    }
}
