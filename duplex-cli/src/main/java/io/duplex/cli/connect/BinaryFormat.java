package io.duplex.cli.connect;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.HexFormat;

/**
 * How {@code duplex connect} prints a binary message on one line.
 *
 * <p>Threading: stateless constants.
 */
public enum BinaryFormat {
    /** Lower-case hex digits, two per byte: {@code 00ff10}. */
    HEX {
        @Override
        String format(byte[] bytes) {
            return HexFormat.of().formatHex(bytes);
        }
    },
    /** Standard Base64 with padding (RFC 4648 §4). */
    BASE64 {
        @Override
        String format(byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
    };

    abstract String format(byte[] bytes);

    /** Formats the bytes between the buffer's position and limit, leaving the buffer as it was. */
    public String format(ByteBuffer data) {
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        return format(bytes);
    }
}
