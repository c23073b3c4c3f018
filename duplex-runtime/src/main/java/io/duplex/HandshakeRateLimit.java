package io.duplex;

/**
 * A token bucket for opening handshakes: {@code perSecond} tokens a second, holding at most
 * {@code burst}. Each WebSocket upgrade request takes one token; with none left the request is
 * refused with {@code Retry-After} (the seconds until a token is back): 429 Too Many Requests
 * (RFC 6585 §4) for the per-address bucket, 503 Service Unavailable (RFC 9110 §15.6.4) for the
 * server-wide one. The per-address bucket counts by client address (after {@link
 * TrustedProxies}), IPv6 addresses by their /64.
 *
 * <p>Threading: immutable; safe to share.
 *
 * @param perSecond tokens added per second; 0 means no limit
 * @param burst most tokens held (handshakes allowed at once after a quiet time)
 */
public record HandshakeRateLimit(double perSecond, int burst) {
    /** No limit. */
    public static final HandshakeRateLimit OFF = new HandshakeRateLimit(0, 0);

    public HandshakeRateLimit {
        if (!(perSecond >= 0) || Double.isInfinite(perSecond) || burst < 0 || (perSecond > 0 && burst < 1)) {
            throw new IllegalArgumentException("need perSecond >= 0 and, when limiting, burst >= 1");
        }
    }

    /** {@code perSecond} a second, with a burst of the same size (at least 1). */
    public static HandshakeRateLimit of(double perSecond) {
        return new HandshakeRateLimit(perSecond, (int) Math.max(1, Math.ceil(perSecond)));
    }

    public boolean isOff() {
        return perSecond == 0;
    }
}
