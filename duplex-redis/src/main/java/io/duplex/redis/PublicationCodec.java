package io.duplex.redis;

import io.duplex.HistoryPage;
import io.duplex.Position;
import io.duplex.PreparedMessage;
import io.duplex.Publication;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns what Redis sends back into {@link Publication}s: the pub/sub message the publish script
 * sends, and the replies of the read script ({@link StreamScripts}). The script builds the message
 * (Lua strings are binary-safe), so its layout is written down here and there alike:
 *
 * <pre>
 *   byte 0     '1' (format version)
 *   byte 1     't' text (UTF-8) or 'b' binary
 *   then       epoch ':' offset ':' timeMillis ':' (ASCII; decimal numbers)
 *   the rest   payload, as published
 * </pre>
 *
 * <p>Threading: stateless; safe from any thread.
 */
final class PublicationCodec {
    static final byte VERSION = '1';
    static final byte TEXT = 't';
    static final byte BINARY = 'b';

    private PublicationCodec() {}

    /** The flag the scripts store and send for {@code message}. */
    static byte[] flag(PreparedMessage message) {
        return new byte[] {message.isText() ? TEXT : BINARY};
    }

    /** The payload as bytes (text as its UTF-8). */
    static byte[] payload(PreparedMessage message) {
        ByteBuffer p = message.payload();
        byte[] out = new byte[p.remaining()];
        p.get(out);
        return out;
    }

    /** A pub/sub message of the publish script, or null when it is not one this node reads. */
    static Publication decode(String topic, byte[] m) {
        if (m.length < 8 || m[0] != VERSION || (m[1] != TEXT && m[1] != BINARY)) {
            return null;
        }
        int epochEnd = indexOf(m, 2);
        int offsetEnd = epochEnd < 0 ? -1 : indexOf(m, epochEnd + 1);
        int timeEnd = offsetEnd < 0 ? -1 : indexOf(m, offsetEnd + 1);
        if (timeEnd < 0) {
            return null;
        }
        try {
            String epoch = new String(m, 2, epochEnd - 2, StandardCharsets.US_ASCII);
            long offset =
                    Long.parseLong(new String(m, epochEnd + 1, offsetEnd - epochEnd - 1, StandardCharsets.US_ASCII));
            long time =
                    Long.parseLong(new String(m, offsetEnd + 1, timeEnd - offsetEnd - 1, StandardCharsets.US_ASCII));
            return new Publication(
                    topic, new Position(epoch, offset), message(m[1], m, timeEnd + 1, m.length - timeEnd - 1), time);
        } catch (RuntimeException malformed) {
            return null; // a foreign writer on our channel: not a publication
        }
    }

    /**
     * A reply of the read script: {@code [epoch, latest, (offset, time, flag, payload)*]}, the
     * entries in the order asked for.
     */
    static HistoryPage page(String topic, List<Object> reply) {
        String epoch = text(reply.get(0));
        Position latest = new Position(epoch, number(reply.get(1)));
        List<Publication> publications = new ArrayList<>((reply.size() - 2) / 4);
        for (int i = 2; i + 3 < reply.size(); i += 4) {
            byte[] flag = (byte[]) reply.get(i + 2);
            byte[] payload = (byte[]) reply.get(i + 3);
            publications.add(new Publication(
                    topic,
                    new Position(epoch, number(reply.get(i))),
                    message(flag.length == 1 ? flag[0] : BINARY, payload, 0, payload.length),
                    number(reply.get(i + 1))));
        }
        return new HistoryPage(publications, latest);
    }

    /** The {@code [epoch, offset]} reply of the publish script. */
    static Position position(List<Object> reply) {
        return new Position(text(reply.get(0)), number(reply.get(1)));
    }

    private static PreparedMessage message(byte flag, byte[] b, int from, int length) {
        if (flag == TEXT) {
            // Malformed UTF-8 from a foreign writer becomes U+FFFD, never an invalid text frame.
            return PreparedMessage.text(new String(b, from, length, StandardCharsets.UTF_8));
        }
        return PreparedMessage.binary(ByteBuffer.wrap(b, from, length));
    }

    private static int indexOf(byte[] m, int from) {
        for (int i = from; i < m.length; i++) {
            if (m[i] == ':') {
                return i;
            }
        }
        return -1;
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    private static long number(Object o) {
        return o instanceof Long l ? l : Long.parseLong(text(o));
    }
}
