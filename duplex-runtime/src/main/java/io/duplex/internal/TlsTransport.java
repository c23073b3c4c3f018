package io.duplex.internal;

import io.duplex.TlsConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * TLS over a non-blocking {@link SocketChannel}, driven through {@link SSLEngine}.
 *
 * <p>Memory: an idle connection (handshake done, nothing in flight) holds no buffer of its own —
 * this object with its two small helpers (~100 bytes together) and its {@code SSLEngine}: cipher and record state plus a
 * reference to the {@code SSLSession}, measured at ~9 KiB for TLS 1.3 and ~7 KiB for TLS 1.2
 * (JDK 17, EC P-256, AES-256-GCM; the session cache keeps ~0.5 KiB per session on top until
 * sessions expire). Reads, unwraps and wraps run in per-thread scratch buffers ({@link
 * TlsScratch}, ~100 KiB per event loop thread); a connection owns a buffer only while it holds
 * bytes that must outlive a call: a partial TLS record (one packet buffer, ~16.7 KiB), decrypted
 * bytes the caller had no room for (≤ one record), or records the socket did not take (≤ {@value
 * TlsScratch#WRITE_BATCH_RECORDS} records). Each is dropped as soon as it is empty.
 *
 * <p>Reading: {@link #read} returns -1 after the peer's close_notify or at end of stream (a
 * missing close_notify is not an error here: the WebSocket closing handshake detects truncation).
 * Post-handshake messages (TLS 1.3 NewSessionTicket and KeyUpdate) are handled inside {@link
 * #read}; a reply they need is queued like any write, so check {@link #hasPendingWrites()} after
 * reading. Application data that arrives together with the last handshake flight is kept: after
 * {@link #handshake()} returns {@code DONE}, call {@link #read} if {@link #hasBufferedReads()}.
 *
 * <p>Writing: {@link #write} wraps up to 16 KiB of the gathered buffers into each record and
 * counts bytes as consumed once they are encrypted; records the socket does not take stay here
 * until {@link #flush()}, and no new bytes are consumed meanwhile (backpressure). During a TLS 1.2
 * renegotiation the engine may accept nothing until {@link #read} has taken the peer's reply.
 * {@link #shutdownOutput()} sends close_notify, then the TCP FIN once all records are out.
 *
 * <p>Threading: confined to the connection's event loop.
 */
public final class TlsTransport implements Transport {
    private static final System.Logger LOG = System.getLogger(TlsTransport.class.getName());
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SocketChannel channel;
    private final SSLEngine engine;

    private final TlsInbound in;
    private final TlsOutbound out;

    private boolean handshakeStarted;
    private boolean handshakeDone;
    /** The last unwrap asked for more bytes: what is kept is only part of a record. */
    private boolean partialRecord;
    /** close_notify or end of stream seen. */
    private boolean inboundDone;

    private boolean endOfStreamReported;
    private boolean outputShutdown;

    private boolean closed;
    private String sniHostName;

    private TlsTransport(SocketChannel channel, SSLEngine engine, boolean clientMode) {
        this.channel = channel;
        this.engine = engine;
        this.in = new TlsInbound(channel);
        this.out = new TlsOutbound(channel);
        // Also settles an engine still in "unsure" mode; no-op when the mode is already right.
        engine.setUseClientMode(clientMode);
    }

    /** The accepting side; {@code engine} typically comes from {@link TlsConfig#newEngine}. */
    public static TlsTransport server(SocketChannel channel, SSLEngine engine) {
        return new TlsTransport(channel, engine, false);
    }

    /** The accepting side with an engine made by {@code config}. */
    public static TlsTransport server(SocketChannel channel, TlsConfig config) {
        return server(channel, config.newEngine(null, -1, false));
    }

    /**
     * The connecting side; {@code engine} typically comes from {@link TlsConfig#newEngine} with the
     * peer's host name, which drives SNI and hostname verification.
     */
    public static TlsTransport client(SocketChannel channel, SSLEngine engine) {
        return new TlsTransport(channel, engine, true);
    }

    /** The connecting side with an engine made by {@code config} for {@code host}. */
    public static TlsTransport client(SocketChannel channel, TlsConfig config, String host, int port) {
        return client(channel, config.newEngine(host, port, true));
    }

    @Override
    public SocketChannel channel() {
        return channel;
    }

    @Override
    public HandshakeStatus handshake() throws IOException {
        if (handshakeDone) {
            return HandshakeStatus.DONE;
        }
        try {
            if (!handshakeStarted) {
                handshakeStarted = true;
                engine.beginHandshake();
            }
            while (true) {
                // Our flight must be out before we wait for the peer's answer to it.
                if (!flush()) {
                    return HandshakeStatus.NEED_WRITE;
                }
                switch (engine.getHandshakeStatus()) {
                    case NEED_TASK -> runDelegatedTasks();
                    case NEED_WRAP -> wrapHandshake();
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        if (!unwrapHandshake()) {
                            return HandshakeStatus.NEED_READ;
                        }
                    }
                    default -> {
                        finishHandshake();
                        return HandshakeStatus.DONE;
                    }
                }
            }
        } catch (SSLException e) {
            throw failure("TLS handshake failed", e);
        }
    }

    /** @return false when the socket has no more bytes for now */
    private boolean unwrapHandshake() throws IOException {
        TlsScratch scratch = TlsScratch.current();
        in.begin(scratch, packetBufferSize());
        try {
            while (true) {
                if (in.net().hasRemaining()) {
                    ByteBuffer plain = scratch.plain(applicationBufferSize());
                    SSLEngineResult result = engine.unwrap(in.net(), plain);
                    in.keepPlain(plain);
                    Status status = result.getStatus();
                    if (status == Status.OK) {
                        partialRecord = false;
                        if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_UNWRAP) {
                            continue;
                        }
                        return true;
                    }
                    if (status == Status.CLOSED) {
                        throw new IOException("TLS handshake failed: the peer closed the connection (close_notify)");
                    }
                    if (status == Status.BUFFER_OVERFLOW) {
                        scratch.plain(plain.capacity() * 2);
                        continue;
                    }
                    partialRecord = true;
                }
                int n = in.read(packetBufferSize());
                if (n < 0) {
                    inboundDone = true;
                    throw new IOException("TLS handshake failed: the peer closed the connection");
                }
                if (n == 0) {
                    return false;
                }
            }
        } finally {
            in.end(packetBufferSize());
        }
    }

    private void finishHandshake() throws IOException {
        if (engine.isInboundDone() || engine.isOutboundDone()) {
            throw new IOException("TLS handshake failed: the connection was closed during the handshake");
        }
        handshakeDone = true;
        if (!engine.getUseClientMode()) {
            sniHostName = requestedHostName(engine.getSession());
        }
        if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            SSLSession session = engine.getSession();
            LOG.log(
                    System.Logger.Level.DEBUG,
                    "TLS handshake done: {0} {1} alpn={2} sni={3}",
                    session.getProtocol(),
                    session.getCipherSuite(),
                    engine.getApplicationProtocol(),
                    sniHostName);
        }
    }

    private static String requestedHostName(SSLSession session) {
        if (session instanceof ExtendedSSLSession extended) {
            List<SNIServerName> names = extended.getRequestedServerNames();
            for (SNIServerName name : names) {
                if (name instanceof SNIHostName host) {
                    return host.getAsciiName();
                }
            }
        }
        return null;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        requireHandshakeDone();
        int start = dst.position();
        if (in.hasPlain() && in.drainPlain(dst)) {
            return dst.position() - start;
        }
        if (!inboundDone && dst.hasRemaining()) {
            unwrapInto(dst);
        }
        int n = dst.position() - start;
        if (n > 0 || !inboundDone || in.hasPlain()) {
            return n;
        }
        endOfStreamReported = true;
        return -1;
    }

    private void unwrapInto(ByteBuffer dst) throws IOException {
        TlsScratch scratch = TlsScratch.current();
        in.begin(scratch, packetBufferSize());
        try {
            boolean socketDrained = false;
            while (dst.hasRemaining() && !in.hasPlain() && !inboundDone) {
                if (in.net().hasRemaining()) {
                    SSLEngineResult result = unwrapOnce(dst, scratch);
                    if (result.getStatus() != Status.BUFFER_UNDERFLOW) {
                        if (result.bytesConsumed() == 0 && result.getStatus() == Status.OK) {
                            // The engine waits for something other than input (e.g. a renegotiation
                            // reply after our output was shut down): don't spin.
                            return;
                        }
                        continue;
                    }
                }
                if (socketDrained) {
                    return;
                }
                int n = in.read(packetBufferSize());
                if (n < 0) {
                    // End of stream without close_notify: reported as -1 all the same.
                    inboundDone = true;
                } else if (n == 0) {
                    return;
                } else {
                    // A read that did not fill the buffer emptied the socket; don't ask again.
                    socketDrained = in.net().limit() < in.net().capacity();
                }
            }
        } catch (SSLException e) {
            throw failure("TLS read failed", e);
        } finally {
            in.end(packetBufferSize());
        }
    }

    /** One record: plaintext to {@code dst} first, the rest kept for the next read. */
    private SSLEngineResult unwrapOnce(ByteBuffer dst, TlsScratch scratch) throws IOException {
        ByteBuffer plain = scratch.plain(applicationBufferSize());
        SSLEngineResult result;
        try {
            result = engine.unwrap(in.net(), scratch.scatter(dst, plain));
        } finally {
            scratch.clearScatter();
        }
        in.keepPlain(plain);
        switch (result.getStatus()) {
            case OK -> {
                partialRecord = false;
                continuePostHandshake(result.getHandshakeStatus());
            }
            case CLOSED -> {
                // close_notify. TLS 1.2 closes both ways, so the engine asks to answer it.
                partialRecord = false;
                inboundDone = true;
                continuePostHandshake(result.getHandshakeStatus());
            }
            case BUFFER_UNDERFLOW -> partialRecord = true;
            case BUFFER_OVERFLOW -> scratch.plain(plain.capacity() * 2);
        }
        return result;
    }

    /** NewSessionTicket needs nothing; KeyUpdate (update_requested) needs our KeyUpdate back. */
    private void continuePostHandshake(SSLEngineResult.HandshakeStatus status) throws IOException {
        if (status == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            runDelegatedTasks();
            status = engine.getHandshakeStatus();
        }
        if (status == SSLEngineResult.HandshakeStatus.NEED_WRAP && !outputShutdown) {
            wrapHandshake();
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        requireHandshakeDone();
        if (outputShutdown) {
            throw new IOException("TLS output already shut down (close_notify sent)");
        }
        if (!flush()) {
            return 0;
        }
        long remaining = 0;
        for (int i = offset; i < offset + length; i++) {
            remaining += srcs[i].remaining();
        }
        TlsScratch scratch = TlsScratch.current();
        int packet = packetBufferSize();
        ByteBuffer records = scratch.netOut(packet * TlsScratch.WRITE_BATCH_RECORDS);
        long consumed = 0;
        try {
            while (consumed < remaining) {
                if (records.remaining() < packet && !out.send(records)) {
                    return consumed;
                }
                SSLEngineResult result = engine.wrap(srcs, offset, length, records);
                consumed += result.bytesConsumed();
                switch (result.getStatus()) {
                    case OK -> {
                        if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                            runDelegatedTasks();
                        } else if (result.bytesConsumed() == 0 && result.bytesProduced() == 0) {
                            // TLS 1.2 renegotiation waits for the peer; read() carries it on.
                            remaining = consumed;
                        }
                    }
                    case BUFFER_OVERFLOW -> {
                        if (records.position() == 0) {
                            records = scratch.netOut(records.capacity() * 2);
                        } else if (!out.send(records)) {
                            return consumed;
                        }
                    }
                    case CLOSED -> throw new IOException("TLS connection closed (close_notify); cannot write");
                    case BUFFER_UNDERFLOW -> throw new IllegalStateException("wrap reported BUFFER_UNDERFLOW");
                }
            }
            out.send(records);
        } catch (SSLException e) {
            throw failure("TLS write failed", e);
        }
        return consumed;
    }

    /** Wraps handshake (or post-handshake, or alert) messages and sends or keeps them. */
    private void wrapHandshake() throws IOException {
        TlsScratch scratch = TlsScratch.current();
        int packet = packetBufferSize();
        ByteBuffer records = scratch.netOut(packet * TlsScratch.WRITE_BATCH_RECORDS);
        do {
            if (records.remaining() < packet) {
                out.send(records);
            }
            SSLEngineResult result = engine.wrap(EMPTY, records);
            if (result.getStatus() == Status.BUFFER_OVERFLOW) {
                if (records.position() == 0) {
                    records = scratch.netOut(records.capacity() * 2);
                } else {
                    out.send(records);
                }
            } else if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runDelegatedTasks();
            } else if (result.bytesProduced() == 0 || result.getStatus() == Status.CLOSED) {
                break;
            }
        } while (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP);
        out.send(records);
    }

    @Override
    public boolean flush() throws IOException {
        return out.flush();
    }

    @Override
    public boolean hasPendingWrites() {
        return out.hasPending();
    }

    @Override
    public boolean hasBufferedReads() {
        return in.hasPlain()
                || (in.hasKept() && !partialRecord && !inboundDone)
                || (inboundDone && !endOfStreamReported && handshakeDone);
    }

    /** Sends close_notify, then the TCP FIN once every record is out (see {@link #flush()}). */
    @Override
    public void shutdownOutput() {
        if (outputShutdown || closed) {
            return;
        }
        outputShutdown = true;
        engine.closeOutbound();
        try {
            ByteBuffer records = TlsScratch.current().netOut(packetBufferSize());
            while (!engine.isOutboundDone()) {
                SSLEngineResult result = engine.wrap(EMPTY, records);
                if (result.getStatus() == Status.BUFFER_OVERFLOW) {
                    out.send(records);
                } else if (result.bytesProduced() == 0) {
                    break;
                }
            }
            out.send(records);
            out.finAfterRecords();
            out.flush();
        } catch (IOException | RuntimeException e) {
            // Best effort: the peer may be gone; close() follows.
            LOG.log(System.Logger.Level.DEBUG, "TLS close_notify not sent", e);
        }
    }

    @Override
    public void close() {
        if (release()) {
            try {
                channel.close();
            } catch (IOException e) {
                // Nothing left to do for a socket that fails to close.
            }
        }
    }

    @Override
    public void closeAfterDeregistration(EventLoop loop) {
        if (release()) {
            loop.closeDeregistered(channel);
        }
    }

    /** Frees the record buffers, once: true the first time. */
    private boolean release() {
        if (closed) {
            return false;
        }
        closed = true;
        in.release();
        out.release();
        return true;
    }

    @Override
    public String tlsProtocol() {
        return handshakeDone ? engine.getSession().getProtocol() : null;
    }

    /** The ALPN protocol agreed on ({@code "http/1.1"}), {@code ""} if none, null before the handshake. */
    public String applicationProtocol() {
        return handshakeDone ? engine.getApplicationProtocol() : null;
    }

    /** Server side: the host name the client asked for with SNI, or null (none sent, or client side). */
    public String sniHostName() {
        return sniHostName;
    }

    /** The negotiated session (peer certificates, cipher suite), valid once the handshake is done. */
    public SSLSession session() {
        return engine.getSession();
    }

    /** Bytes of buffers this connection owns right now (0 when idle); for tests and metrics. */
    int ownedBufferCapacity() {
        return in.ownedCapacity() + out.ownedCapacity();
    }

    private void requireHandshakeDone() {
        if (!handshakeDone) {
            throw new IllegalStateException("TLS handshake not finished");
        }
    }

    private void runDelegatedTasks() {
        // Certificate checks and key exchange: short enough to run on the loop.
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    private int packetBufferSize() {
        return engine.getSession().getPacketBufferSize();
    }

    private int applicationBufferSize() {
        return engine.getSession().getApplicationBufferSize();
    }

    /** Lets the engine's alert (it usually has one queued) reach the peer, then wraps the cause. */
    private IOException failure(String phase, SSLException e) {
        try {
            int budget = 4;
            while (budget-- > 0 && engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                ByteBuffer alert = TlsScratch.current().netOut(packetBufferSize());
                SSLEngineResult result = engine.wrap(EMPTY, alert);
                out.sendIfIdle(alert.flip());
                if (result.bytesProduced() == 0) {
                    break;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // The alert is a courtesy; the failure below is what matters.
        }
        return TlsFailure.of(phase, e, engine.getUseClientMode());
    }
}
