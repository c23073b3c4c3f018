package io.duplex.deflate;

import java.util.Objects;
import java.util.zip.Deflater;

/**
 * How {@link PerMessageDeflate} negotiates and compresses. Defaults follow docs/ARCHITECTURE.md ("Defaults"): compression
 * negotiated, messages under 1 KiB sent uncompressed, no context takeover in either direction.
 *
 * <p>The two context-takeover switches name a direction, whichever role this end plays: {@code
 * serverContextTakeover} is about messages the server sends (its deflater, the client's inflater),
 * {@code clientContextTakeover} about messages the client sends. For the direction this end sends
 * in, {@code true} means "use context takeover when the peer allows it"; for the direction it
 * receives in, it means "allow the peer to use it" (else this end asks for {@code
 * *_no_context_takeover}, RFC 7692 §7.1.1). Either way it costs a long-lived codec per connection,
 * bounded by {@link #budget}.
 *
 * <p>Threading: immutable; safe to share. The {@link #pool} is not thread-safe by contract: a
 * runtime with several event loops derives one factory per loop with {@link
 * PerMessageDeflate#withPool}.
 *
 * @param compressionLevel the {@link Deflater} level, 0–9 or {@link Deflater#DEFAULT_COMPRESSION}
 * @param threshold messages shorter than this many bytes are sent uncompressed (RSV1 clear)
 * @param serverContextTakeover whether server-to-client messages may use context takeover
 * @param clientContextTakeover whether client-to-server messages may use context takeover
 * @param offerClientMaxWindowBits client role: whether the offer carries a bare {@code
 *     client_max_window_bits}, letting the server limit the client's window (RFC 7692 §7.1.2.2).
 *     Off by default: the JDK deflater cannot use a window under 15 bits, so a limit forces
 *     Huffman-only compression (see {@link DeflateExtension})
 * @param offerServerMaxWindowBits client role: 8–15 to offer {@code server_max_window_bits} with
 *     that value, asking the server to compress with at most that window (RFC 7692 §7.1.2.1; a
 *     response over it is refused), or 0 (the default) not to offer it. Our inflater takes any
 *     window, so this only saves the server memory
 * @param pool where codecs and scratch chunks come from; defaults to {@link
 *     DeflaterPool#unpooled()}, which is safe anywhere but allocates per message
 * @param budget bounds the connections that keep context; defaults to {@link
 *     ContextTakeoverBudget#unlimited()}
 */
public record DeflateConfig(
        int compressionLevel,
        int threshold,
        boolean serverContextTakeover,
        boolean clientContextTakeover,
        boolean offerClientMaxWindowBits,
        int offerServerMaxWindowBits,
        DeflaterPool pool,
        ContextTakeoverBudget budget) {

    public static final int DEFAULT_THRESHOLD = 1024;
    public static final DeflateConfig DEFAULT = builder().build();

    public DeflateConfig {
        if (compressionLevel < Deflater.DEFAULT_COMPRESSION || compressionLevel > Deflater.BEST_COMPRESSION) {
            throw new IllegalArgumentException("compressionLevel must be -1 or 0..9");
        }
        if (threshold < 0) {
            throw new IllegalArgumentException("threshold must not be negative");
        }
        if (offerServerMaxWindowBits != 0 && (offerServerMaxWindowBits < 8 || offerServerMaxWindowBits > 15)) {
            throw new IllegalArgumentException("offerServerMaxWindowBits must be 0 or 8..15 (RFC 7692 §7.1.2.1)");
        }
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(budget, "budget");
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .compressionLevel(compressionLevel)
                .threshold(threshold)
                .serverContextTakeover(serverContextTakeover)
                .clientContextTakeover(clientContextTakeover)
                .offerClientMaxWindowBits(offerClientMaxWindowBits)
                .offerServerMaxWindowBits(offerServerMaxWindowBits)
                .pool(pool)
                .budget(budget);
    }

    /** Builds a {@link DeflateConfig}; not thread-safe. */
    public static final class Builder {
        private int compressionLevel = Deflater.DEFAULT_COMPRESSION;
        private int threshold = DEFAULT_THRESHOLD;
        private boolean serverContextTakeover;
        private boolean clientContextTakeover;
        private boolean offerClientMaxWindowBits;
        private int offerServerMaxWindowBits;
        private DeflaterPool pool = DeflaterPool.unpooled();
        private ContextTakeoverBudget budget = ContextTakeoverBudget.unlimited();

        private Builder() {}

        public Builder compressionLevel(int level) {
            this.compressionLevel = level;
            return this;
        }

        public Builder threshold(int bytes) {
            this.threshold = bytes;
            return this;
        }

        public Builder serverContextTakeover(boolean allow) {
            this.serverContextTakeover = allow;
            return this;
        }

        public Builder clientContextTakeover(boolean allow) {
            this.clientContextTakeover = allow;
            return this;
        }

        /** Both directions at once. */
        public Builder contextTakeover(boolean allow) {
            return serverContextTakeover(allow).clientContextTakeover(allow);
        }

        public Builder offerClientMaxWindowBits(boolean offer) {
            this.offerClientMaxWindowBits = offer;
            return this;
        }

        /** 8–15: offer {@code server_max_window_bits} with this value; 0: do not offer it. */
        public Builder offerServerMaxWindowBits(int bits) {
            this.offerServerMaxWindowBits = bits;
            return this;
        }

        public Builder pool(DeflaterPool pool) {
            this.pool = pool;
            return this;
        }

        public Builder budget(ContextTakeoverBudget budget) {
            this.budget = budget;
            return this;
        }

        public DeflateConfig build() {
            return new DeflateConfig(
                    compressionLevel,
                    threshold,
                    serverContextTakeover,
                    clientContextTakeover,
                    offerClientMaxWindowBits,
                    offerServerMaxWindowBits,
                    pool,
                    budget);
        }
    }
}
