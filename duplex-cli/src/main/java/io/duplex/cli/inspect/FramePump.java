package io.duplex.cli.inspect;

import io.duplex.cli.inspect.FrameReport.Direction;
import io.duplex.frame.FrameParser;
import io.duplex.frame.Opcode;
import io.duplex.frame.ProtocolViolationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One direction of {@code duplex inspect}'s relay: reads frames from one end with a {@link
 * FrameParser} (which checks them as that end's peer would: masking, lengths, control-frame
 * rules, no RSV bits since nothing was negotiated), writes each one to the other end as it
 * arrives — header first, payload as it streams in — and reports it once complete.
 *
 * <p>Nothing is buffered but the preview (and, with {@code --log}, the frame's payload), so a large
 * frame streams through.
 *
 * <p>Threading: runs on one thread; the ends and the report are thread-safe.
 */
final class FramePump implements FrameParser.Listener {
    private static final int READ_BUFFER = 64 * 1024;

    private final InspectRelay relay;
    private final Direction dir;
    private final RelaySide src;
    private final RelaySide dst;
    private final FrameReport report;
    private final FrameReport.Clock clock;
    private final long maxFrameSize;
    private final byte[] head;
    private final ByteArrayOutputStream payload;

    private int headLength;
    private boolean fin;
    private int rsv;
    private Opcode opcode;
    private long length;
    private Opcode messageType;
    private boolean dstWritable = true;
    private int frames;

    FramePump(
            InspectRelay relay,
            Direction dir,
            RelaySide src,
            RelaySide dst,
            FrameReport report,
            FrameReport.Clock clock,
            long maxFrameSize) {
        this.relay = relay;
        this.dir = dir;
        this.src = src;
        this.dst = dst;
        this.report = report;
        this.clock = clock;
        this.maxFrameSize = maxFrameSize;
        this.head = new byte[report.previewBytes()];
        this.payload = report.wantsPayload() ? new ByteArrayOutputStream() : null;
    }

    /** Frames relayed so far. */
    int frames() {
        return frames;
    }

    /**
     * Relays until the source ends or fails.
     *
     * @param leftover bytes that came with the opening handshake and belong to the first frames
     */
    void run(ByteBuffer leftover) {
        // RFC 6455 §5.1: the server-side parser insists on masked frames, the client side on unmasked.
        FrameParser parser = new FrameParser(dir == Direction.CLIENT_TO_SERVER, maxFrameSize, this);
        byte[] buffer = new byte[READ_BUFFER];
        try {
            if (leftover.hasRemaining()) {
                parser.parse(leftover);
                dstWritable(dst.flush());
            }
            while (true) {
                int n = src.in.read(buffer);
                if (n < 0) {
                    relay.endOfStream(dir);
                    return;
                }
                parser.parse(ByteBuffer.wrap(buffer, 0, n));
                dstWritable(dst.flush());
            }
        } catch (ProtocolViolationException e) {
            dst.flush();
            relay.violation(dir, e);
        } catch (IOException e) {
            relay.readFailed(dir, e);
        }
    }

    @Override
    public void onFrameHeader(boolean fin, int rsv, Opcode opcode, long length) {
        this.fin = fin;
        this.rsv = rsv;
        this.opcode = opcode;
        this.length = length;
        if (opcode == Opcode.TEXT || opcode == Opcode.BINARY) {
            messageType = opcode;
        }
        headLength = 0;
        if (payload != null) {
            payload.reset();
        }
        dstWritable(dst.header(fin, rsv, opcode, length));
    }

    @Override
    public void onFramePayload(ByteBuffer chunk) {
        int n = chunk.remaining();
        int forHead = Math.min(n, head.length - headLength);
        chunk.duplicate().get(head, headLength, forHead);
        headLength += forHead;
        if (payload != null) {
            byte[] copy = new byte[n];
            chunk.duplicate().get(copy);
            payload.write(copy, 0, n);
        }
        // Shown and logged: the window may now be masked in place for the upstream.
        dstWritable(dst.payload(chunk));
    }

    @Override
    public void onFrameEnd() {
        frames++;
        report.frame(
                clock,
                dir,
                fin,
                rsv,
                opcode,
                messageType,
                length,
                head,
                headLength,
                payload != null ? payload.toByteArray() : null);
        if (!opcode.isControl() && fin) {
            messageType = null;
        }
        if (opcode == Opcode.CLOSE) {
            relay.closeRelayed(dir);
        }
    }

    private void dstWritable(boolean ok) {
        if (!ok && dstWritable) {
            dstWritable = false;
            relay.writeFailed(dir);
        }
    }
}
