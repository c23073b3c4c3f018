package io.duplex.cli.inspect;

import io.duplex.cli.PayloadPreview;
import io.duplex.cli.Style;
import io.duplex.frame.Opcode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;

/**
 * What {@code duplex inspect} shows: one line per frame on stdout, and with {@code --log} one JSON
 * object per frame in a file (JSON lines), for later replay.
 *
 * <pre>
 * #1     0.412 ms    +0.412  client→server  TEXT    fin=1 rsv=000 len=5       "hello"
 * #1     0.530 ms    +0.118  server→client  CLOSE   fin=1 rsv=000 len=5       1000 normal "bye"
 * </pre>
 *
 * <p>The log's fields: {@code conn} (connection number), {@code ts} (wall clock, ISO-8601 UTC),
 * {@code t_ms} (milliseconds since the connection was accepted), {@code dir} ({@code
 * client->server} or {@code server->client}), {@code opcode} ({@code continuation}, {@code text},
 * {@code binary}, {@code close}, {@code ping}, {@code pong}), {@code fin}, {@code rsv} (the three
 * bits as a number 0–7, RSV1 the highest), {@code len}, {@code payload} (standard base64, unmasked).
 *
 * <p>Threading: synchronized, so that the two directions' lines come out whole and their timing
 * deltas follow the printed order.
 */
final class FrameReport {
    /** Which way a frame went. */
    enum Direction {
        CLIENT_TO_SERVER("client→server", "client->server"),
        SERVER_TO_CLIENT("server→client", "server->client");

        final String arrow;
        final String ascii;

        Direction(String arrow, String ascii) {
            this.arrow = arrow;
            this.ascii = ascii;
        }
    }

    /** The per-connection clock: when it was accepted and when its last frame passed. */
    static final class Clock {
        final int id;
        final long startNanos = System.nanoTime();
        long lastNanos = startNanos;

        Clock(int id) {
            this.id = id;
        }
    }

    private final PrintStream out;
    private final Style style;
    private final int maxPreview;
    private final Writer log;
    private boolean logFailed;

    /**
     * @param log where JSON lines go, or null for none
     */
    FrameReport(PrintStream out, Style style, int maxPreview, Writer log) {
        this.out = out;
        this.style = style;
        this.maxPreview = maxPreview;
        this.log = log;
    }

    /** Whether the full payload of every frame is needed (for the log). */
    boolean wantsPayload() {
        return log != null;
    }

    /**
     * How many payload bytes a preview needs: text may take up to 4 bytes per character, and a
     * close frame's code and reason up to 125 (RFC 6455 §5.5).
     */
    int previewBytes() {
        return Math.max(125, maxPreview * 4);
    }

    /**
     * One frame that passed the relay.
     *
     * @param messageType TEXT or BINARY: the type of the message a continuation frame belongs to
     * @param head the first bytes of the payload (at most {@link #previewBytes()})
     * @param payload the whole payload when {@link #wantsPayload()}, else null
     */
    synchronized void frame(
            Clock clock,
            Direction dir,
            boolean fin,
            int rsv,
            Opcode opcode,
            Opcode messageType,
            long length,
            byte[] head,
            int headLength,
            byte[] payload) {
        long now = System.nanoTime();
        double sinceStart = (now - clock.startNanos) / 1e6;
        double sincePrevious = (now - clock.lastNanos) / 1e6;
        clock.lastNanos = now;
        String flags = "fin=" + (fin ? 1 : 0) + " rsv=" + ((rsv >> 6) & 1) + ((rsv >> 5) & 1) + ((rsv >> 4) & 1);
        String line = String.format(
                Locale.ROOT,
                "#%d %10.3f ms %+9.3f  %s  %-7s %s len=%-7d %s",
                clock.id,
                sinceStart,
                sincePrevious,
                dir.arrow,
                name(opcode),
                flags,
                length,
                preview(opcode, messageType, length, head, headLength));
        out.println(opcode.isControl() ? style.control(line) : line);
        if (log != null && !logFailed) {
            writeLog(clock, dir, fin, rsv, opcode, length, payload, sinceStart);
        }
    }

    /** A line about a connection rather than a frame: opened, rejected, closed, an error. */
    synchronized void event(int id, String text) {
        out.println(style.status("#" + id + " " + text));
    }

    /** A warning about a connection (a violation, a lost peer), in red when colour is on. */
    synchronized void problem(int id, String text) {
        out.println(style.error("#" + id + " " + text));
    }

    private String preview(Opcode opcode, Opcode messageType, long length, byte[] head, int headLength) {
        if (length == 0 && opcode != Opcode.CLOSE) {
            return "";
        }
        return switch (opcode) {
            case TEXT -> PayloadPreview.text(head, headLength, length, maxPreview);
            case BINARY -> PayloadPreview.hex(head, headLength, length, maxPreview);
            case CONTINUATION ->
                messageType == Opcode.TEXT
                        ? "(text) " + PayloadPreview.text(head, headLength, length, maxPreview)
                        : "(binary) " + PayloadPreview.hex(head, headLength, length, maxPreview);
            case CLOSE -> PayloadPreview.closePayload(head, headLength);
            case PING, PONG -> PayloadPreview.textOrHex(head, headLength, length, maxPreview);
        };
    }

    private static String name(Opcode opcode) {
        return opcode == Opcode.CONTINUATION ? "CONT" : opcode.name();
    }

    private void writeLog(
            Clock clock, Direction dir, boolean fin, int rsv, Opcode opcode, long length, byte[] payload, double tMs) {
        String json = "{\"conn\":" + clock.id
                + ",\"ts\":\"" + Instant.now() + "\""
                + ",\"t_ms\":" + String.format(Locale.ROOT, "%.3f", tMs)
                + ",\"dir\":\"" + dir.ascii + "\""
                + ",\"opcode\":\"" + opcode.name().toLowerCase(Locale.ROOT) + "\""
                + ",\"fin\":" + fin
                + ",\"rsv\":" + (rsv >> 4)
                + ",\"len\":" + length
                + ",\"payload\":\"" + Base64.getEncoder().encodeToString(payload == null ? new byte[0] : payload)
                + "\"}\n";
        try {
            log.write(json);
            log.flush();
        } catch (IOException e) {
            logFailed = true;
            out.println(style.error("duplex: cannot write the log, no more frames will be logged: " + e.getMessage()));
        }
    }
}
