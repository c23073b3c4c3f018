package io.duplex.internal;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server's connection counts, total and per remote address, against its limits. A connection is
 * counted from the moment it is accepted (handshake included) until it is gone, so a flood of
 * half-open handshakes is bounded too.
 *
 * <p>Threading: safe from any thread (atomic counters).
 */
public final class ConnectionLimits {
    private final int maxTotal;
    /** 0: no per-address limit. */
    private final int maxPerAddress;

    private final AtomicInteger open = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    public ConnectionLimits(int maxTotal, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    /**
     * Counts a new connection from {@code address}; false (and nothing counted) when that would
     * pass a limit. Every admitted connection must be {@link #release released} exactly once.
     */
    public boolean admit(InetAddress address) {
        int total = open.incrementAndGet();
        int fromAddress =
                perAddress.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
        if (total > maxTotal || (maxPerAddress > 0 && fromAddress > maxPerAddress)) {
            release(address);
            return false;
        }
        return true;
    }

    public void release(InetAddress address) {
        open.decrementAndGet();
        perAddress.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    /** Connections admitted and not yet released. */
    public int open() {
        return open.get();
    }
}
