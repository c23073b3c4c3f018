package io.duplex.socketio.engine;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One Engine.IO v4 packet: a type ({@code 0} open … {@code 6} noop) and a text or binary payload.
 * Binary packets are always messages ({@code 4}).
 *
 * <p>Threading: immutable (the binary array is never changed after construction).
 */
public record EnginePacket(char type, String text, byte[] binary) {
    public static final char OPEN = '0';
    public static final char CLOSE = '1';
    public static final char PING = '2';
    public static final char PONG = '3';
    public static final char MESSAGE = '4';
    public static final char UPGRADE = '5';
    public static final char NOOP = '6';

    public static EnginePacket of(char type) {
        return new EnginePacket(type, "", null);
    }

    public static EnginePacket message(String text) {
        return new EnginePacket(MESSAGE, text, null);
    }

    public static EnginePacket binary(byte[] data) {
        return new EnginePacket(MESSAGE, null, data);
    }

    public boolean isBinary() {
        return binary != null;
    }

    /** The packet as a WebSocket text frame ({@code type + data}); binary ones go as binary frames. */
    public String wsText() {
        return type + text;
    }

    /** The packet inside a polling payload: text as on WebSocket, binary as {@code b} + base64. */
    public String pollingText() {
        return isBinary() ? "b" + Base64.getEncoder().encodeToString(binary) : wsText();
    }

    /** Parses one packet of a polling payload or a WebSocket text frame; null when malformed. */
    public static EnginePacket parse(String s) {
        if (s.isEmpty()) {
            return null;
        }
        char type = s.charAt(0);
        if (type == 'b') {
            try {
                // Lenient as the reference (Node's base64 decoding skips what is not base64): the
                // Java client sends MIME-style base64 with line breaks.
                return binary(Base64.getMimeDecoder().decode(s.substring(1)));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        if (type < OPEN || type > NOOP) {
            return null;
        }
        return new EnginePacket(type, s.substring(1), null);
    }

    /** Approximate bytes on the wire in a polling payload, for bounding a response. */
    public int pollingSize() {
        return isBinary() ? 1 + (binary.length + 2) / 3 * 4 : 1 + text.length() * 3;
    }

    @Override
    public String toString() {
        return isBinary() ? "binary[" + binary.length + "]" : type + text;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
