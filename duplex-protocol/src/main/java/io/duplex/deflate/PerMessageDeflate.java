package io.duplex.deflate;

import static io.duplex.deflate.DeflateParameters.ABSENT;
import static io.duplex.deflate.DeflateParameters.CLIENT_MAX_WINDOW_BITS;
import static io.duplex.deflate.DeflateParameters.CLIENT_NO_CONTEXT_TAKEOVER;
import static io.duplex.deflate.DeflateParameters.JDK_WINDOW_BITS;
import static io.duplex.deflate.DeflateParameters.SERVER_MAX_WINDOW_BITS;
import static io.duplex.deflate.DeflateParameters.SERVER_NO_CONTEXT_TAKEOVER;

import io.duplex.extension.Extension;
import io.duplex.extension.ExtensionFactory;
import io.duplex.extension.ExtensionParameters;
import io.duplex.frame.Rsv;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.Deflater;

/**
 * Negotiates RFC 7692 permessage-deflate and creates a {@link DeflateExtension} per connection.
 *
 * <p>Server role: takes the first acceptable offer in the client's order (§7). It declines an offer
 * with an unknown or duplicate parameter or an invalid value; it then tries the next offer, never
 * failing the handshake. Its response always states which directions go without context takeover
 * (§7.1.1) and echoes {@code server_max_window_bits} with the offered value when offered
 * (§7.1.2.1). A window of 8–14 bits, which the JDK deflater cannot use, is honoured like the
 * client honours {@code client_max_window_bits}: Huffman-only compression, no LZ77 match, hence no
 * window at all. It never limits the client's window (our inflater takes any window), so never
 * sends {@code client_max_window_bits}.
 *
 * <p>Client role: offers one element, e.g. {@code permessage-deflate; client_no_context_takeover;
 * server_no_context_takeover; client_max_window_bits}, per {@link DeflateConfig}. It rejects a
 * response (the handshake then fails) that has an unknown or duplicate parameter or an invalid
 * value, a {@code client_max_window_bits} it did not offer (§7.1.2.2), no or a larger {@code
 * server_max_window_bits} than it offered (§7.1.2.1), or no {@code server_no_context_takeover}
 * although it asked for it (§7.1.1.1). A {@code client_max_window_bits} under 15 is honoured with
 * Huffman-only compression (see {@link DeflateExtension}).
 *
 * <p>Context takeover costs a long-lived codec per connection: it is used only where the config
 * allows it, the peer agrees, and the {@link ContextTakeoverBudget} grants a permit. A server
 * refused a permit negotiates no context takeover both ways; a client refused one sends without
 * context takeover (receiving follows the server's response, which the client's offer bounds).
 *
 * <p>Threading: immutable and safe to share for negotiation; the extensions it creates use the
 * config's {@link DeflaterPool}, which is not thread-safe, so a runtime with several event loops
 * uses one {@link #withPool} copy per loop.
 */
public final class PerMessageDeflate implements ExtensionFactory {

    /** The extension token (RFC 7692 §7). */
    public static final String NAME = "permessage-deflate";

    private static final System.Logger LOG = System.getLogger(PerMessageDeflate.class.getName());

    /** Idle codecs kept per thread by {@link #forThread()}; beyond it they are ended. */
    static final int CODECS_PER_THREAD = 8;

    private final DeflateConfig config;
    private final List<ExtensionParameters> offers;
    /** Level and threshold, shared by every extension this factory makes. */
    private final SharedDeflate settings;

    public PerMessageDeflate() {
        this(DeflateConfig.DEFAULT);
    }

    public PerMessageDeflate(DeflateConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.settings = new SharedDeflate(config.compressionLevel(), config.threshold());
        ExtensionParameters offer = ExtensionParameters.of(NAME);
        if (!config.clientContextTakeover()) {
            offer = offer.with(CLIENT_NO_CONTEXT_TAKEOVER, null); // §7.1.1.2: a hint
        }
        if (!config.serverContextTakeover()) {
            offer = offer.with(SERVER_NO_CONTEXT_TAKEOVER, null); // §7.1.1.1: a request
        }
        if (config.offerServerMaxWindowBits() != 0) {
            // §7.1.2.1: the server must then answer with this value or a smaller one.
            offer = offer.with(SERVER_MAX_WINDOW_BITS, Integer.toString(config.offerServerMaxWindowBits()));
        }
        if (config.offerClientMaxWindowBits()) {
            offer = offer.with(CLIENT_MAX_WINDOW_BITS, null); // §7.1.2.2
        }
        this.offers = List.of(offer);
    }

    public DeflateConfig config() {
        return config;
    }

    /** The same factory with the extensions it creates using {@code pool} (one per event loop). */
    public PerMessageDeflate withPool(DeflaterPool pool) {
        return new PerMessageDeflate(config.toBuilder().pool(pool).build());
    }

    /**
     * A copy whose extensions borrow codecs from a pool of their own (at most {@value
     * #CODECS_PER_THREAD} idle), for one event loop: an idle connection without context takeover
     * then holds no codec, and the pool needs no locks.
     */
    @Override
    public PerMessageDeflate forThread() {
        return withPool(DeflaterPool.bounded(CODECS_PER_THREAD));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int rsv() {
        return Rsv.RSV1;
    }

    @Override
    public List<ExtensionParameters> clientOffers() {
        return offers;
    }

    @Override
    public Optional<Extension> clientAccept(ExtensionParameters response) {
        DeflateParameters p = DeflateParameters.parseResponse(response);
        if (p == null) {
            return reject(response, "malformed parameters (RFC 7692 §7)");
        }
        if (p.clientMaxWindowBits() != ABSENT && !config.offerClientMaxWindowBits()) {
            return reject(response, "client_max_window_bits was not offered (RFC 7692 §7.1.2.2)");
        }
        if (config.offerServerMaxWindowBits() != 0
                && (p.serverMaxWindowBits() == ABSENT || p.serverMaxWindowBits() > config.offerServerMaxWindowBits())) {
            return reject(response, "server_max_window_bits missing or over the offer (RFC 7692 §7.1.2.1)");
        }
        if (!config.serverContextTakeover() && !p.serverNoContextTakeover()) {
            return reject(response, "server_no_context_takeover was requested (RFC 7692 §7.1.1.1)");
        }
        boolean receive = !p.serverNoContextTakeover();
        boolean send = config.clientContextTakeover() && !p.clientNoContextTakeover();
        boolean permit = false;
        if (send || receive) {
            permit = config.budget().tryAcquire();
            // Only the sending side is ours to give up; receiving follows the response.
            send &= permit;
        }
        int sendWindowBits = p.clientMaxWindowBits() == ABSENT ? JDK_WINDOW_BITS : p.clientMaxWindowBits();
        return Optional.of(new DeflateExtension(response, config, send, receive, sendWindowBits, permit, settings));
    }

    @Override
    public Optional<Extension> serverAccept(List<ExtensionParameters> offers) {
        for (ExtensionParameters offer : offers) {
            DeflateParameters p = DeflateParameters.parseOffer(offer);
            if (p == null) {
                LOG.log(Level.DEBUG, () -> "declined malformed offer: " + offer);
            } else {
                return Optional.of(accept(p));
            }
        }
        return Optional.empty();
    }

    /**
     * The answers a server can give, built once and shared by every connection (an idle
     * compressed connection should cost no more than a plain one; {@link ExtensionParameters} is
     * immutable). First index: 0 = no {@code server_max_window_bits}, 1–8 = echoed with 8–15.
     * Second index bits: 1 = {@code server_no_context_takeover}, 2 = {@code
     * client_no_context_takeover}.
     */
    private static final ExtensionParameters[][] SERVER_RESPONSES = new ExtensionParameters[9][4];

    static {
        for (int w = 0; w < SERVER_RESPONSES.length; w++) {
            for (int i = 0; i < 4; i++) {
                ExtensionParameters response = ExtensionParameters.of(NAME);
                if ((i & 1) != 0) {
                    // §7.1.1.1: required when offered, allowed otherwise.
                    response = response.with(SERVER_NO_CONTEXT_TAKEOVER, null);
                }
                if ((i & 2) != 0) {
                    // §7.1.1.2: the client then must not use context takeover.
                    response = response.with(CLIENT_NO_CONTEXT_TAKEOVER, null);
                }
                if (w > 0) {
                    // §7.1.2.1: accepting this parameter means echoing it (same or smaller value).
                    response = response.with(SERVER_MAX_WINDOW_BITS, Integer.toString(w + 7));
                }
                SERVER_RESPONSES[w][i] = response;
            }
        }
    }

    private DeflateExtension accept(DeflateParameters offer) {
        boolean send = config.serverContextTakeover() && !offer.serverNoContextTakeover();
        boolean receive = config.clientContextTakeover() && !offer.clientNoContextTakeover();
        boolean permit = false;
        if (send || receive) {
            permit = config.budget().tryAcquire();
            send &= permit;
            receive &= permit;
        }
        int bits = offer.serverMaxWindowBits();
        ExtensionParameters response =
                SERVER_RESPONSES[bits == ABSENT ? 0 : bits - 7][(send ? 0 : 1) | (receive ? 0 : 2)];
        // §7.1.2.1: under 15 bits the JDK deflater has no window setting; Huffman-only (no
        // back-references) is valid for any window, so the limit is honoured at some cost in ratio.
        int sendWindowBits = bits == ABSENT ? JDK_WINDOW_BITS : bits;
        return new DeflateExtension(response, config, send, receive, sendWindowBits, permit, settings);
    }

    private static Optional<Extension> reject(ExtensionParameters response, String why) {
        LOG.log(Level.DEBUG, () -> "rejected response " + response + ": " + why);
        return Optional.empty();
    }

    /**
     * Compresses {@code payload} (not modified) once, in a form any connection can send whose
     * {@link DeflateExtension#sharesCompressedPayloads()} is true: a fresh raw-DEFLATE stream,
     * {@code SYNC_FLUSH}ed, tail removed (RFC 7692 §7.2.1). Uses an unpooled deflater.
     *
     * @param level 0–9 or {@link Deflater#DEFAULT_COMPRESSION}
     */
    public static DeflatedPayload compressOnce(ByteBuffer payload, int level) {
        return compressOnce(payload, level, DeflaterPool.unpooled());
    }

    /** As {@link #compressOnce(ByteBuffer, int)}, borrowing from {@code pool} (on its thread). */
    public static DeflatedPayload compressOnce(ByteBuffer payload, int level, DeflaterPool pool) {
        if (level < Deflater.DEFAULT_COMPRESSION || level > Deflater.BEST_COMPRESSION) {
            throw new IllegalArgumentException("level must be -1 or 0..9");
        }
        Deflater deflater = MessageDeflater.borrow(pool, level, Deflater.DEFAULT_STRATEGY);
        ByteBuffer chunk = pool.borrowChunk();
        try {
            return new DeflatedPayload(MessageDeflater.deflate(deflater, payload, chunk), payload.remaining());
        } finally {
            pool.returnChunk(chunk);
            pool.returnDeflater(deflater);
        }
    }

    @Override
    public String toString() {
        return "PerMessageDeflate[" + offers.get(0) + "]";
    }
}
