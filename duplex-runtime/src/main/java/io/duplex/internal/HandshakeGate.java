package io.duplex.internal;

import io.duplex.HandshakeRateLimit;
import io.duplex.TrustedProxies;
import io.duplex.WebSocketConfig;
import io.duplex.handshake.Headers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What a server checks about who is asking before it spends anything on an upgrade: the client
 * address (through {@link TrustedProxies}), the per-address connection limit for connections from
 * trusted proxies (whose client is known only now), and the handshake rate limits — per address
 * first (429), so one address cannot spend the server-wide bucket, then server-wide (503). Both
 * refusals carry {@code Retry-After} in whole seconds (RFC 9110 §10.2.3), at least 1.
 *
 * <p>The per-address buckets are kept in a map of at most {@link #MAX_TRACKED} addresses (by
 * {@link Cidr#limitKey}); a full bucket is the same as none, so full ones are swept out (at most
 * once a second) when the map is at its bound. Should it still be full, a new address is checked
 * against the server-wide bucket only: memory stays bounded, and the global limit still holds.
 *
 * <p>Threading: safe from any thread.
 */
public final class HandshakeGate {
    static final int MAX_TRACKED = 100_000;
    private static final long SWEEP_EVERY = 1_000_000_000L;

    /** A refusal: the status, the body, the seconds for Retry-After. */
    public record Refusal(int status, String reason, long retryAfterSeconds) {
        public Headers headers() {
            return Headers.of("Retry-After", Long.toString(retryAfterSeconds));
        }
    }

    private final TrustedProxies trusted;
    private final ConnectionLimits limits;
    private final LongSupplier clock;
    private final HandshakeRateLimit perAddressRate;
    private final TokenBucket global;
    private final Map<InetAddress, TokenBucket> perAddress = new ConcurrentHashMap<>();
    private volatile long lastSweep;

    public HandshakeGate(WebSocketConfig config, ConnectionLimits limits, LongSupplier clock) {
        this.trusted = config.trustedProxies();
        this.limits = limits;
        this.clock = clock;
        this.perAddressRate = config.handshakeRatePerAddress();
        this.global =
                config.handshakeRate().isOff() ? null : new TokenBucket(config.handshakeRate(), clock.getAsLong());
        this.lastSweep = clock.getAsLong();
    }

    public TrustedProxies trusted() {
        return trusted;
    }

    /** The connection counts this gate admits against (also where upgrades are counted). */
    public ConnectionLimits limits() {
        return limits;
    }

    /** Whether a peer's real client is known only later (PROXY header or forwarding headers). */
    public boolean isTrustedPeer(InetAddress peer) {
        return trusted.forwards(peer) || trusted.sendsProxyProtocol(peer);
    }

    /** The client address of a request on this connection. */
    public InetSocketAddress clientAddress(ClientAddress connection, Headers headers) {
        return ForwardedFor.resolve(connection.connectedFrom(), headers, trusted);
    }

    /**
     * Admits a WebSocket upgrade request from {@code client}: counts the connection under the
     * client's address if it is not yet (connections from trusted proxies), then takes a token from
     * each bucket. Null when admitted, else the refusal to answer.
     */
    public Refusal admitUpgrade(ClientAddress connection, InetSocketAddress client) {
        if (!limits.admitAddress(connection, client.getAddress())) {
            return new Refusal(503, "too many connections", 1);
        }
        long now = clock.getAsLong();
        if (!perAddressRate.isOff()) {
            TokenBucket bucket = bucketFor(Cidr.limitKey(client.getAddress()), now);
            long wait = bucket == null ? 0 : bucket.take(now);
            if (wait > 0) {
                return new Refusal(429, "too many handshakes from this address", seconds(wait));
            }
        }
        if (global != null) {
            long wait = global.take(now);
            if (wait > 0) {
                return new Refusal(503, "too many handshakes", seconds(wait));
            }
        }
        return null;
    }

    private TokenBucket bucketFor(InetAddress key, long now) {
        TokenBucket b = perAddress.get(key);
        if (b != null) {
            return b;
        }
        if (perAddress.size() >= MAX_TRACKED) {
            sweep(now);
            if (perAddress.size() >= MAX_TRACKED) {
                return null;
            }
        }
        return perAddress.computeIfAbsent(key, k -> new TokenBucket(perAddressRate, now));
    }

    private void sweep(long now) {
        long last = lastSweep;
        if (now - last < SWEEP_EVERY) {
            return;
        }
        lastSweep = now;
        perAddress.values().removeIf(b -> b.isFull(now));
    }

    /** Per-address buckets held now (for tests). */
    int tracked() {
        return perAddress.size();
    }

    private static long seconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }
}
