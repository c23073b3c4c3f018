package io.duplex.internal;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server's connection counts, total and per client address, against its limits. A connection is
 * counted from the moment it is accepted (handshake included) until it is gone, so a flood of
 * half-open handshakes is bounded too. Addresses are counted by {@link Cidr#limitKey} (IPv6 by its
 * /64). A connection from a trusted proxy is counted in the total at accept and under its client's
 * address only once that address is known ({@link #admitAddress}, at its upgrade request).
 *
 * <p>Threading: safe from any thread (atomic counters).
 */
public final class ConnectionLimits {
    private final int maxTotal;
    /** 0: no per-address limit. */
    private final int maxPerAddress;

    private final AtomicInteger open = new AtomicInteger();
    /** Connections upgraded with permessage-deflate, until released (a gauge, not a limit). */
    private final AtomicInteger deflate = new AtomicInteger();

    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    public ConnectionLimits(int maxTotal, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    /**
     * Counts a new connection in the total, and under {@code address} unless it is null; false (and
     * nothing counted) when that would pass a limit. Every admitted connection must be {@link
     * #release released} exactly once.
     */
    public boolean admit(ClientAddress client, InetAddress address) {
        if (open.incrementAndGet() > maxTotal) {
            open.decrementAndGet();
            return false;
        }
        if (address != null && !admitAddress(client, address)) {
            open.decrementAndGet();
            return false;
        }
        return true;
    }

    /**
     * Counts an admitted connection under {@code address} (once; later calls are no-ops that
     * answer true); false, and nothing counted, when that would pass the per-address limit.
     */
    public boolean admitAddress(ClientAddress client, InetAddress address) {
        if (client.countedKey() != null) {
            return true;
        }
        InetAddress key = Cidr.limitKey(address);
        int n = perAddress.computeIfAbsent(key, a -> new AtomicInteger()).incrementAndGet();
        if (maxPerAddress > 0 && n > maxPerAddress) {
            releaseKey(key);
            return false;
        }
        client.countedKey(key);
        return true;
    }

    /**
     * Counts {@code client}'s connection among those with permessage-deflate negotiated (RFC 7692),
     * once; {@link #release} uncounts it. Called at its upgrade, on its loop.
     */
    public void countDeflate(ClientAddress client) {
        if (!client.countedDeflate()) {
            client.countedDeflate(true);
            deflate.incrementAndGet();
        }
    }

    public void release(ClientAddress client) {
        // The deflate count first: whoever sees the total drop sees this one dropped too.
        if (client.countedDeflate()) {
            deflate.decrementAndGet();
        }
        open.decrementAndGet();
        InetAddress key = client.countedKey();
        if (key != null) {
            releaseKey(key);
        }
    }

    private void releaseKey(InetAddress key) {
        perAddress.computeIfPresent(key, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    /** Connections admitted and not yet released. */
    public int open() {
        return open.get();
    }

    /** Connections upgraded with permessage-deflate and not yet released. */
    public int deflateConnections() {
        return deflate.get();
    }
}
