package io.duplex.jakarta;

import jakarta.websocket.Decoder;
import jakarta.websocket.PongMessage;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The three native WebSocket message types a session has at most one handler for (Jakarta
 * WebSocket 2.1 §2.1.3, §4.7), and which one a handler's message type belongs to.
 *
 * <p>Threading: an enum; immutable.
 */
enum NativeType {
    TEXT,
    BINARY,
    PONG;

    /**
     * The native type a whole-message handler of {@code type} receives: built-in conversions first
     * ({@code @OnMessage} javadoc), then the endpoint's decoders; {@code null} if none applies.
     */
    static NativeType ofWhole(Class<?> type, List<Class<? extends Decoder>> decoders) {
        if (type == String.class || type == Reader.class || isPrimitiveOrWrapper(type)) {
            return TEXT;
        }
        if (type == ByteBuffer.class || type == byte[].class || type == InputStream.class) {
            return BINARY;
        }
        if (type == PongMessage.class) {
            return PONG;
        }
        if (DecoderSet.declares(decoders, type, true)) {
            return TEXT;
        }
        if (DecoderSet.declares(decoders, type, false)) {
            return BINARY;
        }
        return null;
    }

    /** The native type a partial-message handler of {@code type} receives, or {@code null}. */
    static NativeType ofPartial(Class<?> type) {
        if (type == String.class) {
            return TEXT;
        }
        if (type == ByteBuffer.class || type == byte[].class) {
            return BINARY;
        }
        return null;
    }

    static boolean isPrimitiveOrWrapper(Class<?> type) {
        return type.isPrimitive() && type != void.class
                || type == Integer.class
                || type == Long.class
                || type == Short.class
                || type == Byte.class
                || type == Double.class
                || type == Float.class
                || type == Boolean.class
                || type == Character.class;
    }
}
