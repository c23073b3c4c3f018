package io.duplex;

import io.duplex.deflate.DeflateConfig;
import io.duplex.deflate.PerMessageDeflate;
import io.duplex.extension.ExtensionFactory;
import io.duplex.handshake.HttpHeadLimits;
import io.duplex.handshake.OriginPolicy;
import io.duplex.protocol.ProtocolConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Every limit and timeout of a server or client. The defaults are safe on the open internet
 * (docs/ARCHITECTURE.md, "Defaults"); see {@code docs/security.md} for what each one protects against.
 *
 * <p>Threading: immutable; safe to share.
 *
 * @param protocol frame, message and fragment limits (1 MiB, 1 MiB, 1024)
 * @param headLimits limits of the HTTP upgrade request/response head (8 KiB, 100 headers)
 * @param handshakeTimeout time allowed for the TCP/TLS/HTTP handshake (slowloris defence)
 * @param closeTimeout time allowed for the close handshake before the connection is aborted
 * @param pingInterval keepalive ping period; {@link Duration#ZERO} disables keepalive
 * @param pongTimeout time a keepalive ping may wait for its pong before the connection is deemed
 *     half-open and aborted
 * @param idleTimeout close with 1001 after this long without a data message either way (keepalive
 *     pings and pongs do not count, or the timeout could never fire with keepalive on); ZERO = off
 * @param connectTimeout client only: time allowed to establish the TCP connection
 * @param messageTimeout time allowed to receive one message, from its first byte to its last
 *     (control frames in between included); beyond it the connection fails with 1008 (RFC 6455
 *     §7.4.1, policy). Bounds a peer that trickles a message byte by byte; ZERO = off
 * @param outboundLimit most bytes queued for one socket before the slow-consumer policy applies
 * @param highWaterMark above this many queued bytes {@code send} returns BUFFERED
 * @param lowWaterMark {@code onDrain} fires when the queue falls below this after BUFFERED
 * @param slowConsumerPolicy what to do with a message beyond {@code outboundLimit}
 * @param outboundBudget most bytes of outgoing batch buffers all connections of one server (or
 *     client) may hold together; a connection holding a full batch or more while the budget is
 *     spent is treated as over its limit (the slow-consumer policy). 0 = half of the JVM's maximum
 *     direct memory ({@code -XX:MaxDirectMemorySize}, by default the maximum heap), so no peer
 *     behaviour can make an event loop fail an allocation
 * @param maxUndelivered read backpressure: stop reading a socket while this many received bytes
 *     wait for a handler executor
 * @param maxConnections server only: most open connections; more are answered 503
 * @param maxConnectionsPerAddress server only: most connections from one IP address; 0 = no limit
 * @param originPolicy server only: which browser origins may connect (same-origin by default)
 * @param subprotocols server: supported subprotocols in preference order; client: offered ones
 * @param extensions extensions to negotiate (e.g. permessage-deflate), in preference order
 * @param trustedProxies server only: whose forwarding headers and PROXY protocol headers give the
 *     client address (nobody by default)
 * @param handshakeRate server only: the server-wide handshake token bucket (503 when empty); off
 *     by default
 * @param handshakeRatePerAddress server only: the per-client-address handshake token bucket (429
 *     when empty); off by default
 */
public record WebSocketConfig(
        ProtocolConfig protocol,
        HttpHeadLimits headLimits,
        Duration handshakeTimeout,
        Duration closeTimeout,
        Duration pingInterval,
        Duration pongTimeout,
        Duration idleTimeout,
        Duration connectTimeout,
        Duration messageTimeout,
        long outboundLimit,
        long highWaterMark,
        long lowWaterMark,
        SlowConsumerPolicy slowConsumerPolicy,
        long outboundBudget,
        long maxUndelivered,
        int maxConnections,
        int maxConnectionsPerAddress,
        OriginPolicy originPolicy,
        List<String> subprotocols,
        List<ExtensionFactory> extensions,
        TrustedProxies trustedProxies,
        HandshakeRateLimit handshakeRate,
        HandshakeRateLimit handshakeRatePerAddress) {

    /**
     * One minute to receive a message: a 1 MiB message (the default limit) needs ≈ 140 kbit/s;
     * a trickler holds its connection at most this long per message.
     */
    public static final Duration DEFAULT_MESSAGE_TIMEOUT = Duration.ofSeconds(60);

    public static final WebSocketConfig DEFAULT = builder().build();

    public WebSocketConfig {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(headLimits, "headLimits");
        requirePositive(handshakeTimeout, "handshakeTimeout");
        requirePositive(closeTimeout, "closeTimeout");
        requireNonNegative(pingInterval, "pingInterval");
        requirePositive(pongTimeout, "pongTimeout");
        requireNonNegative(idleTimeout, "idleTimeout");
        requirePositive(connectTimeout, "connectTimeout");
        requireNonNegative(messageTimeout, "messageTimeout");
        if (lowWaterMark > highWaterMark || highWaterMark > outboundLimit || lowWaterMark < 0) {
            throw new IllegalArgumentException("need 0 <= lowWaterMark <= highWaterMark <= outboundLimit");
        }
        Objects.requireNonNull(slowConsumerPolicy, "slowConsumerPolicy");
        if (outboundBudget < 0) {
            throw new IllegalArgumentException("outboundBudget must not be negative (0 = automatic)");
        }
        if (maxUndelivered < 1 || maxConnections < 1 || maxConnectionsPerAddress < 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        Objects.requireNonNull(originPolicy, "originPolicy");
        subprotocols = List.copyOf(subprotocols);
        extensions = List.copyOf(extensions);
        Objects.requireNonNull(trustedProxies, "trustedProxies");
        Objects.requireNonNull(handshakeRate, "handshakeRate");
        Objects.requireNonNull(handshakeRatePerAddress, "handshakeRatePerAddress");
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    private static void requireNonNegative(Duration d, String name) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.protocol = protocol;
        b.headLimits = headLimits;
        b.handshakeTimeout = handshakeTimeout;
        b.closeTimeout = closeTimeout;
        b.pingInterval = pingInterval;
        b.pongTimeout = pongTimeout;
        b.idleTimeout = idleTimeout;
        b.connectTimeout = connectTimeout;
        b.messageTimeout = messageTimeout;
        b.outboundLimit = outboundLimit;
        b.highWaterMark = highWaterMark;
        b.lowWaterMark = lowWaterMark;
        b.slowConsumerPolicy = slowConsumerPolicy;
        b.outboundBudget = outboundBudget;
        b.maxUndelivered = maxUndelivered;
        b.maxConnections = maxConnections;
        b.maxConnectionsPerAddress = maxConnectionsPerAddress;
        b.originPolicy = originPolicy;
        b.subprotocols = subprotocols;
        b.extensions = extensions;
        b.trustedProxies = trustedProxies;
        b.handshakeRate = handshakeRate;
        b.handshakeRatePerAddress = handshakeRatePerAddress;
        return b;
    }

    /** Builds a {@link WebSocketConfig}; not thread-safe. */
    public static final class Builder {
        private ProtocolConfig protocol = ProtocolConfig.DEFAULT;
        private HttpHeadLimits headLimits = HttpHeadLimits.DEFAULT;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration closeTimeout = Duration.ofSeconds(10);
        private Duration pingInterval = Duration.ofSeconds(30);
        private Duration pongTimeout = Duration.ofSeconds(30);
        private Duration idleTimeout = Duration.ZERO;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration messageTimeout = DEFAULT_MESSAGE_TIMEOUT;
        private long outboundLimit = 1 << 20;
        private long highWaterMark = 256 * 1024;
        private long lowWaterMark = 64 * 1024;
        private SlowConsumerPolicy slowConsumerPolicy = SlowConsumerPolicy.CLOSE;
        private long outboundBudget = 0;
        private long maxUndelivered = 1 << 20;
        private int maxConnections = 100_000;
        private int maxConnectionsPerAddress = 0;
        private OriginPolicy originPolicy = OriginPolicy.sameOrigin();
        private List<String> subprotocols = List.of();
        // docs/ARCHITECTURE.md, "Defaults": compression negotiated by default, 1 KiB threshold, no context takeover.
        private List<ExtensionFactory> extensions = List.of(new PerMessageDeflate());
        private TrustedProxies trustedProxies = TrustedProxies.NONE;
        private HandshakeRateLimit handshakeRate = HandshakeRateLimit.OFF;
        private HandshakeRateLimit handshakeRatePerAddress = HandshakeRateLimit.OFF;

        private Builder() {}

        public Builder protocol(ProtocolConfig protocol) {
            this.protocol = protocol;
            return this;
        }

        /** Shorthand for the protocol's max message size (also bounds inflated size). */
        public Builder maxMessageSize(long bytes) {
            this.protocol = protocol.toBuilder().maxMessageSize(bytes).build();
            return this;
        }

        /** Shorthand for the protocol's max frame size. */
        public Builder maxFrameSize(long bytes) {
            this.protocol = protocol.toBuilder().maxFrameSize(bytes).build();
            return this;
        }

        public Builder headLimits(HttpHeadLimits headLimits) {
            this.headLimits = headLimits;
            return this;
        }

        public Builder handshakeTimeout(Duration d) {
            this.handshakeTimeout = d;
            return this;
        }

        public Builder closeTimeout(Duration d) {
            this.closeTimeout = d;
            return this;
        }

        public Builder pingInterval(Duration d) {
            this.pingInterval = d;
            return this;
        }

        public Builder pongTimeout(Duration d) {
            this.pongTimeout = d;
            return this;
        }

        public Builder idleTimeout(Duration d) {
            this.idleTimeout = d;
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        /** Time allowed to receive one message, first byte to last; ZERO turns the limit off. */
        public Builder messageTimeout(Duration d) {
            this.messageTimeout = d;
            return this;
        }

        /** Sets the outbound limit and scales the water marks to 1/4 and 1/16 of it. */
        public Builder outboundLimit(long bytes) {
            this.outboundLimit = bytes;
            this.highWaterMark = bytes / 4;
            this.lowWaterMark = bytes / 16;
            return this;
        }

        public Builder waterMarks(long low, long high) {
            this.lowWaterMark = low;
            this.highWaterMark = high;
            return this;
        }

        public Builder slowConsumerPolicy(SlowConsumerPolicy policy) {
            this.slowConsumerPolicy = policy;
            return this;
        }

        /** The server- (or client-) wide outbound memory budget; 0 = automatic (see the record). */
        public Builder outboundBudget(long bytes) {
            this.outboundBudget = bytes;
            return this;
        }

        public Builder maxUndelivered(long bytes) {
            this.maxUndelivered = bytes;
            return this;
        }

        public Builder maxConnections(int n) {
            this.maxConnections = n;
            return this;
        }

        public Builder maxConnectionsPerAddress(int n) {
            this.maxConnectionsPerAddress = n;
            return this;
        }

        public Builder originPolicy(OriginPolicy policy) {
            this.originPolicy = policy;
            return this;
        }

        public Builder subprotocols(String... subprotocols) {
            this.subprotocols = List.of(subprotocols);
            return this;
        }

        public Builder subprotocols(List<String> subprotocols) {
            this.subprotocols = subprotocols;
            return this;
        }

        public Builder extensions(List<ExtensionFactory> extensions) {
            this.extensions = extensions;
            return this;
        }

        /** Negotiates permessage-deflate (RFC 7692) with this configuration. */
        public Builder compression(DeflateConfig deflate) {
            this.extensions = List.of(new PerMessageDeflate(deflate));
            return this;
        }

        /** Turns permessage-deflate off (or back on with the defaults). */
        public Builder compression(boolean on) {
            this.extensions = on ? List.of(new PerMessageDeflate()) : List.of();
            return this;
        }

        /** Whose forwarding headers and PROXY protocol headers give the client address. */
        public Builder trustedProxies(TrustedProxies proxies) {
            this.trustedProxies = proxies;
            return this;
        }

        /** The server-wide handshake rate limit (503 + Retry-After when exceeded). */
        public Builder handshakeRate(HandshakeRateLimit limit) {
            this.handshakeRate = limit;
            return this;
        }

        /** The per-client-address handshake rate limit (429 + Retry-After when exceeded). */
        public Builder handshakeRatePerAddress(HandshakeRateLimit limit) {
            this.handshakeRatePerAddress = limit;
            return this;
        }

        public WebSocketConfig build() {
            return new WebSocketConfig(
                    protocol,
                    headLimits,
                    handshakeTimeout,
                    closeTimeout,
                    pingInterval,
                    pongTimeout,
                    idleTimeout,
                    connectTimeout,
                    messageTimeout,
                    outboundLimit,
                    highWaterMark,
                    lowWaterMark,
                    slowConsumerPolicy,
                    outboundBudget,
                    maxUndelivered,
                    maxConnections,
                    maxConnectionsPerAddress,
                    originPolicy,
                    subprotocols,
                    extensions,
                    trustedProxies,
                    handshakeRate,
                    handshakeRatePerAddress);
        }
    }
}
