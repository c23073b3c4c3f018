package io.duplex.redis;

import io.duplex.PreparedMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes a node sends to Redis for one publish: who sent it, its sequence number among that
 * node's publishes to the topic, whether it is text, and the payload as is (binary-safe; text is
 * its UTF-8 bytes). The sequence lets a receiving node count exactly what it missed ({@link
 * PublishSequences}).
 *
 * <pre>
 *   byte 0           version (high 4 bits, 2) | flags (bit 0: text)
 *   byte 1           length n of the node id (1..255)
 *   bytes 2..n+1     node id (UTF-8)
 *   bytes n+2..n+9   sequence (big-endian, from 1 per sender and topic)
 *   the rest         payload
 * </pre>
 *
 * <p>Threading: stateless; safe from any thread.
 */
final class Envelope {
    static final int VERSION = 2;
    static final int MAX_NODE_ID = 255;
    private static final int TEXT = 0x01;
    private static final int HEADER = 2;
    private static final int SEQUENCE = Long.BYTES;

    private Envelope() {}

    static byte[] encode(byte[] nodeId, long sequence, PreparedMessage message) {
        ByteBuffer payload = message.payload();
        byte[] out = new byte[HEADER + nodeId.length + SEQUENCE + payload.remaining()];
        out[0] = (byte) (VERSION << 4 | (message.isText() ? TEXT : 0));
        out[1] = (byte) nodeId.length;
        System.arraycopy(nodeId, 0, out, HEADER, nodeId.length);
        ByteBuffer.wrap(out, HEADER + nodeId.length, SEQUENCE).putLong(sequence);
        payload.get(out, HEADER + nodeId.length + SEQUENCE, payload.remaining());
        return out;
    }

    /** Whether this is an envelope of a version this node reads (anything else is skipped). */
    static boolean wellFormed(byte[] envelope) {
        return envelope.length >= HEADER
                && (envelope[0] & 0xff) >>> 4 == VERSION
                && idLength(envelope) > 0
                && HEADER + idLength(envelope) + SEQUENCE <= envelope.length;
    }

    /** Whether a well-formed envelope was sent by the node with this id. */
    static boolean sentBy(byte[] envelope, byte[] nodeId) {
        int n = idLength(envelope);
        return n == nodeId.length && Arrays.equals(envelope, HEADER, HEADER + n, nodeId, 0, n);
    }

    /** The sender's node id of a well-formed envelope. */
    static String sender(byte[] envelope) {
        return new String(envelope, HEADER, idLength(envelope), StandardCharsets.UTF_8);
    }

    /** The sequence number of a well-formed envelope. */
    static long sequence(byte[] envelope) {
        return ByteBuffer.wrap(envelope, HEADER + idLength(envelope), SEQUENCE).getLong();
    }

    /** The message of a well-formed envelope. */
    static PreparedMessage message(byte[] envelope) {
        int offset = HEADER + idLength(envelope) + SEQUENCE;
        int length = envelope.length - offset;
        if ((envelope[0] & TEXT) != 0) {
            // Malformed UTF-8 from a foreign writer becomes U+FFFD, never an invalid text frame.
            return PreparedMessage.text(new String(envelope, offset, length, StandardCharsets.UTF_8));
        }
        return PreparedMessage.binary(ByteBuffer.wrap(envelope, offset, length));
    }

    private static int idLength(byte[] envelope) {
        return envelope[1] & 0xff;
    }
}
