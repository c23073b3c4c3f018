package io.duplex.cli.inspect;

import io.duplex.frame.FrameEncoder;
import io.duplex.frame.Masking;
import io.duplex.frame.Opcode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * One end of a connection relayed by {@code duplex inspect}: its socket, and the frames written
 * to it — re-encoded with the same FIN, RSV, opcode and payload, and masked with a fresh key when
 * this end is the upstream server (the relay is its client, RFC 6455 §5.3).
 *
 * <p>It keeps track of frame boundaries, so that a close frame the relay makes up itself (when
 * the other end is lost) is only written between two frames, never inside one; and of whether a
 * close frame was already written, so that there is never a second one.
 *
 * <p>Threading: writes are synchronized — the pump of the other direction relays frames to this
 * end while this end's own pump may have to answer it with a close.
 */
final class RelaySide {
    final String name;
    final Socket socket;
    final InputStream in;
    private final OutputStream out;
    private final boolean maskFrames;
    private final SecureRandom random;
    private final ByteBuffer header = ByteBuffer.allocate(FrameEncoder.MAX_HEADER_SIZE);

    private long payloadLeft;
    private int maskKey;
    private long maskOffset;
    private boolean closeWritten;
    private boolean dead;

    /**
     * @param name {@code client} or {@code server}, for messages
     * @param maskFrames whether frames written to this end must be masked (it is a server)
     */
    RelaySide(String name, Socket socket, boolean maskFrames, SecureRandom random) throws IOException {
        this.name = name;
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        this.maskFrames = maskFrames;
        this.random = random;
    }

    /**
     * Writes a frame header.
     *
     * @return false when this end can no longer be written to
     */
    synchronized boolean header(boolean fin, int rsv, Opcode opcode, long length) {
        if (dead) {
            return false;
        }
        maskKey = maskFrames ? random.nextInt() : 0;
        maskOffset = 0;
        payloadLeft = length;
        if (opcode == Opcode.CLOSE) {
            closeWritten = true;
        }
        header.clear();
        FrameEncoder.writeHeader(header, fin, rsv, opcode, length, maskFrames, maskKey);
        return write(header.array(), 0, header.position());
    }

    /**
     * Writes payload bytes of the current frame, masking them in place when needed: the caller's
     * window is consumed (its bytes were already shown and logged).
     *
     * @return false when this end can no longer be written to
     */
    synchronized boolean payload(ByteBuffer chunk) {
        if (dead) {
            return false;
        }
        int from = chunk.position();
        int to = chunk.limit();
        if (maskFrames) {
            Masking.mask(chunk, from, to, maskKey, maskOffset);
            maskOffset += to - from;
        }
        payloadLeft -= to - from;
        if (chunk.hasArray()) {
            return write(chunk.array(), chunk.arrayOffset() + from, to - from);
        }
        byte[] copy = new byte[to - from];
        chunk.duplicate().get(copy);
        return write(copy, 0, copy.length);
    }

    /** Sends what was written so far. */
    synchronized boolean flush() {
        if (dead) {
            return false;
        }
        try {
            out.flush();
            return true;
        } catch (IOException e) {
            dead = true;
            return false;
        }
    }

    /**
     * Writes a close frame of the relay's own (RFC 6455 §5.5.1) and flushes, unless a close was
     * already written, this end is gone, or a relayed frame is half written (then nothing can be
     * said cleanly: the caller aborts instead).
     *
     * @return true when the close frame was written
     */
    synchronized boolean close(int code, String reason) {
        if (dead || closeWritten || payloadLeft != 0) {
            return false;
        }
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        ByteBuffer payload =
                ByteBuffer.allocate(2 + text.length).putShort((short) code).put(text);
        payload.flip();
        header(true, 0, Opcode.CLOSE, payload.remaining());
        return payload(payload) && flush();
    }

    synchronized boolean closeWritten() {
        return closeWritten;
    }

    /** Half-closes: the peer reads end of stream, and may still send. */
    void shutdownOutput() {
        flush();
        try {
            if (!socket.isClosed() && !socket.isOutputShutdown()) {
                socket.shutdownOutput();
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Already gone, or TLS (SSLSocket cannot half-close): the socket is closed at the end.
        }
    }

    /** How long a read of this end may block from now on; 0 means forever. */
    void readTimeout(int millis) {
        try {
            socket.setSoTimeout(millis);
        } catch (SocketException e) {
            // Closed already: the pending read fails at once anyway.
        }
    }

    /** Closes the TCP connection at once; a pending read on it fails. */
    void abort() {
        synchronized (this) {
            dead = true;
        }
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing more to do.
        }
    }

    private boolean write(byte[] bytes, int offset, int length) {
        try {
            out.write(bytes, offset, length);
            return true;
        } catch (IOException e) {
            dead = true;
            return false;
        }
    }
}
