package io.duplex.frame;

/**
 * Frame opcodes defined by RFC 6455 §5.2. Reserved opcodes have no constant: {@link #of(int)}
 * returns {@code null} for them and the parser fails the connection.
 *
 * <p>Threading: an enum; immutable.
 */
public enum Opcode {
    CONTINUATION(0x0),
    TEXT(0x1),
    BINARY(0x2),
    CLOSE(0x8),
    PING(0x9),
    PONG(0xA);

    private static final Opcode[] BY_CODE = new Opcode[16];

    static {
        for (Opcode op : values()) {
            BY_CODE[op.code] = op;
        }
    }

    private final int code;

    Opcode(int code) {
        this.code = code;
    }

    /** The 4-bit wire value. */
    public int code() {
        return code;
    }

    /** RFC 6455 §5.5: opcodes with the high bit set (0x8–0xF) are control frames. */
    public boolean isControl() {
        return (code & 0x8) != 0;
    }

    /** The opcode for a 4-bit wire value, or {@code null} when the value is reserved. */
    public static Opcode of(int code) {
        return BY_CODE[code & 0xF];
    }
}
