package io.duplex.deflate;

import io.duplex.extension.Extension;
import io.duplex.extension.ExtensionParameters;
import io.duplex.extension.SharedEncoding;
import io.duplex.frame.Rsv;
import java.nio.ByteBuffer;

/**
 * permessage-deflate (RFC 7692) for one connection, as negotiated by {@link PerMessageDeflate}.
 * Claims RSV1. Messages under the configured threshold, empty ones, and (without context
 * takeover) ones that would not shrink are sent uncompressed.
 *
 * <p>Memory: without context takeover on a side, that side's {@code Deflater} or {@code Inflater}
 * is borrowed from the {@link DeflaterPool} for one message only, so an idle connection holds none.
 * With context takeover the extension keeps its own for the connection's life, and holds a
 * {@link ContextTakeoverBudget} permit until {@link #close()}.
 *
 * <p>When the peer limits this end's sending window below 15 bits ({@code client_max_window_bits}
 * in a server's response), which the JDK deflater cannot do, messages are compressed Huffman-only:
 * no LZ77 matches, hence no window at all (RFC 7692 §7.1.2.2 is honoured, at some cost in ratio).
 *
 * <p>Threading: confined to the connection that owns it. {@link #close()} is idempotent.
 */
public final class DeflateExtension implements Extension {

    private final ExtensionParameters negotiated;
    private final boolean sendContextTakeover;
    private final boolean receiveContextTakeover;
    private final int sendWindowBits;
    private final ContextTakeoverBudget budget;
    private final MessageDeflater deflater;
    private final MessageInflater inflater;
    private boolean permit;
    private boolean closed;

    DeflateExtension(
            ExtensionParameters negotiated,
            DeflateConfig config,
            boolean sendContextTakeover,
            boolean receiveContextTakeover,
            int sendWindowBits,
            boolean permit,
            SharedDeflate settings) {
        this.negotiated = negotiated;
        this.sendContextTakeover = sendContextTakeover;
        this.receiveContextTakeover = receiveContextTakeover;
        this.sendWindowBits = sendWindowBits;
        this.budget = config.budget();
        this.permit = permit;
        this.deflater = new MessageDeflater(config.pool(), settings, sendContextTakeover, sendWindowBits);
        this.inflater = new MessageInflater(config.pool(), receiveContextTakeover);
    }

    @Override
    public ExtensionParameters negotiated() {
        return negotiated;
    }

    @Override
    public int rsv() {
        return Rsv.RSV1;
    }

    @Override
    public Encoded encode(boolean text, ByteBuffer payload) {
        checkOpen();
        return deflater.encode(payload);
    }

    /** Without context takeover and with a full window: the {@link SharedDeflate} of the factory. */
    @Override
    public SharedEncoding sharedEncoding() {
        return deflater.shared();
    }

    @Override
    public void decode(ByteBuffer payload, boolean endOfMessage, long maxBytes, DecodedSink out) {
        checkOpen();
        inflater.decode(payload, endOfMessage, maxBytes, out);
    }

    /**
     * Whether this connection can send a payload made by {@link PerMessageDeflate#compressOnce}
     * (framed with RSV1 by the caller) instead of encoding the message itself: true when this end
     * sends without context takeover and with a full 15-bit window, so every message stands
     * alone.
     */
    public boolean sharesCompressedPayloads() {
        return deflater.shared() != null;
    }

    /** Whether this end keeps its compression context between the messages it sends. */
    public boolean sendContextTakeover() {
        return sendContextTakeover;
    }

    /** Whether the peer may keep its compression context between the messages it sends. */
    public boolean receiveContextTakeover() {
        return receiveContextTakeover;
    }

    /** The most window bits this end may use when compressing (15 unless the peer limited it). */
    public int sendWindowBits() {
        return sendWindowBits;
    }

    /** Whether a codec is held right now (for tests and memory accounting). */
    boolean holdsCodec() {
        return deflater.holdsDeflater() || inflater.holdsInflater();
    }

    /** Returns or ends every codec held and releases the budget permit, exactly once. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        deflater.close();
        inflater.close();
        if (permit) {
            permit = false;
            budget.release();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("extension closed");
        }
    }

    @Override
    public String toString() {
        return negotiated.toString();
    }
}
