package io.duplex.testing;

import io.duplex.frame.Masking;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds the raw bytes of one RFC 6455 §5.2 frame for tests, valid or deliberately not.
 *
 * <p>Nothing is checked: reserved opcodes, RSV bits, fragmented or oversized control frames,
 * non-minimal length encodings and lengths that lie about the payload can all be produced, so
 * tests can feed a parser exactly the bytes a broken or hostile peer would send:
 *
 * <pre>{@code
 * byte[] hello = FrameBuilder.text("Hello").masked(0x37fa213d).build(); // RFC 6455 §5.7
 * byte[] lie = FrameBuilder.binary(new byte[0]).masked(1).declaredLength(1L << 31).build();
 * byte[] reserved = FrameBuilder.binary(new byte[] {1}).opcode(0x3).rsv2().build();
 * }</pre>
 *
 * <p>Frames are unmasked (as a server sends them) unless {@link #masked(int)} is called. Lengths
 * use the minimal encoding unless {@link #lengthEncoding(LengthEncoding)} forces one.
 *
 * <p>Threading: not thread-safe; build each frame on one thread. {@link #build()} may be called
 * more than once and returns a fresh array each time.
 */
public final class FrameBuilder {

    /** How the payload length is written (RFC 6455 §5.2). */
    public enum LengthEncoding {
        /** In the 7-bit field of the second byte (lengths 0–125). */
        SEVEN,
        /** {@code 126} then a 16-bit length (0–65535). */
        SIXTEEN,
        /** {@code 127} then a 64-bit length; any value, including one with the top bit set. */
        SIXTYFOUR
    }

    private int opcode;
    private byte[] payload;
    private boolean fin = true;
    private int rsv;
    private boolean masked;
    private int maskKey;
    private LengthEncoding lengthEncoding;
    private Long declaredLength;

    private FrameBuilder(int opcode, byte[] payload) {
        this.opcode = opcode;
        this.payload = payload.clone();
    }

    /** A text frame (opcode 0x1) carrying {@code text} as UTF-8. */
    public static FrameBuilder text(String text) {
        return new FrameBuilder(0x1, utf8(text));
    }

    /** A text frame (opcode 0x1) carrying raw bytes, for example invalid UTF-8. */
    public static FrameBuilder text(byte[] bytes) {
        return new FrameBuilder(0x1, bytes);
    }

    /** A binary frame (opcode 0x2). */
    public static FrameBuilder binary(byte[] bytes) {
        return new FrameBuilder(0x2, bytes);
    }

    /** A continuation frame (opcode 0x0); pair it with {@code fin(false)} on the first frame. */
    public static FrameBuilder continuation(byte[] bytes) {
        return new FrameBuilder(0x0, bytes);
    }

    /** A continuation frame (opcode 0x0) carrying {@code text} as UTF-8. */
    public static FrameBuilder continuation(String text) {
        return new FrameBuilder(0x0, utf8(text));
    }

    /** A Ping frame (opcode 0x9); payloads over 125 bytes are allowed, to test the limit. */
    public static FrameBuilder ping(byte[] bytes) {
        return new FrameBuilder(0x9, bytes);
    }

    /** A Pong frame (opcode 0xA). */
    public static FrameBuilder pong(byte[] bytes) {
        return new FrameBuilder(0xA, bytes);
    }

    /**
     * A Close frame (opcode 0x8) with a 2-byte status code and a UTF-8 reason (RFC 6455 §5.5.1).
     * Any code is written, including ones that may not appear on the wire (1005, 1006, 999…).
     */
    public static FrameBuilder close(int code, String reason) {
        byte[] r = utf8(reason);
        byte[] body =
                ByteBuffer.allocate(2 + r.length).putShort((short) code).put(r).array();
        return new FrameBuilder(0x8, body);
    }

    /** A Close frame (opcode 0x8) with exactly these payload bytes (empty, one byte, bad UTF-8…). */
    public static FrameBuilder closeRaw(byte[] payload) {
        return new FrameBuilder(0x8, payload);
    }

    /** A frame with any 4-bit opcode, reserved ones (0x3–0x7, 0xB–0xF) included. */
    public static FrameBuilder frame(int rawOpcode, byte[] payload) {
        return new FrameBuilder(rawOpcode & 0xF, payload);
    }

    /** Replaces the opcode with any 4-bit value, reserved ones included. */
    public FrameBuilder opcode(int raw) {
        this.opcode = raw & 0xF;
        return this;
    }

    /** Sets the FIN bit (default {@code true}). */
    public FrameBuilder fin(boolean fin) {
        this.fin = fin;
        return this;
    }

    /** Sets RSV1 (0x40), the bit permessage-deflate claims (RFC 7692 §6). */
    public FrameBuilder rsv1() {
        rsv |= 0x40;
        return this;
    }

    /** Sets RSV2 (0x20). */
    public FrameBuilder rsv2() {
        rsv |= 0x20;
        return this;
    }

    /** Sets RSV3 (0x10). */
    public FrameBuilder rsv3() {
        rsv |= 0x10;
        return this;
    }

    /**
     * Sets the MASK bit and masks the payload with {@code maskKey}, big-endian: the most
     * significant byte is the first key byte on the wire, as in {@link Masking}.
     */
    public FrameBuilder masked(int maskKey) {
        this.masked = true;
        this.maskKey = maskKey;
        return this;
    }

    /** Clears the MASK bit (the default), as a server sends frames. */
    public FrameBuilder unmasked() {
        this.masked = false;
        return this;
    }

    /**
     * Forces how the length is encoded, for example {@link LengthEncoding#SIXTEEN} for a 5-byte
     * payload to produce a non-minimal length (RFC 6455 §5.2 requires the minimal one).
     */
    public FrameBuilder lengthEncoding(LengthEncoding encoding) {
        this.lengthEncoding = encoding;
        return this;
    }

    /**
     * Writes {@code length} in the header instead of the payload's real size; the payload bytes
     * that follow are unchanged. Declare 2 GiB with no payload to test that limits are checked
     * before memory is committed, or a negative value (with the 64-bit encoding, chosen
     * automatically) to set the forbidden top bit.
     */
    public FrameBuilder declaredLength(long length) {
        this.declaredLength = length;
        return this;
    }

    /** Replaces the payload (before masking). */
    public FrameBuilder payload(byte[] bytes) {
        this.payload = bytes.clone();
        return this;
    }

    /**
     * The frame's bytes: header, then the (masked, if asked) payload.
     *
     * @throws IllegalStateException if the forced length encoding cannot hold the declared length
     */
    public byte[] build() {
        long length = declaredLength != null ? declaredLength : payload.length;
        LengthEncoding encoding = lengthEncoding != null ? lengthEncoding : minimalEncoding(length);
        ByteBuffer out = ByteBuffer.allocate(14 + payload.length);
        out.put((byte) ((fin ? 0x80 : 0) | rsv | opcode));
        int maskBit = masked ? 0x80 : 0;
        switch (encoding) {
            case SEVEN -> {
                checkFits(length, 125, encoding);
                out.put((byte) (maskBit | (int) length));
            }
            case SIXTEEN -> {
                checkFits(length, 0xFFFF, encoding);
                out.put((byte) (maskBit | 126)).putShort((short) length);
            }
            case SIXTYFOUR -> out.put((byte) (maskBit | 127)).putLong(length);
        }
        if (masked) {
            out.putInt(maskKey);
        }
        int payloadStart = out.position();
        out.put(payload);
        if (masked) {
            Masking.mask(out, payloadStart, out.position(), maskKey);
        }
        return Arrays.copyOf(out.array(), out.position());
    }

    /** The frames' bytes one after another, as they would arrive on one connection. */
    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static LengthEncoding minimalEncoding(long length) {
        if (length >= 0 && length < 126) {
            return LengthEncoding.SEVEN;
        }
        return length >= 0 && length <= 0xFFFF ? LengthEncoding.SIXTEEN : LengthEncoding.SIXTYFOUR;
    }

    private static void checkFits(long length, long max, LengthEncoding encoding) {
        if (length < 0 || length > max) {
            throw new IllegalStateException("length " + length + " does not fit the " + encoding + " encoding");
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
