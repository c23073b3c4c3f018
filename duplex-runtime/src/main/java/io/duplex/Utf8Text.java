package io.duplex;

import io.duplex.frame.Utf8Validator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Text as UTF-8 bytes for the defaults of {@link WebSocket#sendText(ByteBuffer)} and {@link
 * WebSocketHandler#onTextUtf8}: the engine's own check (RFC 6455 §8.1, the same rules everywhere a
 * text message is checked), and a decode that leaves the buffer's position alone.
 *
 * <p>Threading: stateless; safe from any thread.
 */
final class Utf8Text {
    private Utf8Text() {}

    /** The text of valid UTF-8 bytes, between position and limit. */
    static String decode(ByteBuffer utf8) {
        byte[] bytes = new byte[utf8.remaining()];
        utf8.get(utf8.position(), bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The text of {@code utf8}, refused with {@link IllegalArgumentException} when not valid UTF-8. */
    static String checkedDecode(ByteBuffer utf8) {
        if (!Utf8Validator.isValid(utf8)) {
            throw new IllegalArgumentException("not valid UTF-8");
        }
        return decode(utf8);
    }
}
