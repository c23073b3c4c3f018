package io.duplex.jakarta;

import jakarta.websocket.DecodeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.ByteBuffer;

/**
 * Turns a received message into what a handler asked for: the built-in conversions of the
 * {@code @OnMessage} contract (String, Reader, primitives and their wrappers; ByteBuffer, byte[],
 * InputStream) or the endpoint's decoders (Jakarta WebSocket 2.1 §4.1.3, §4.7).
 *
 * <p>Threading: stateless; the decoders belong to one connection.
 */
final class PayloadConversion {
    private PayloadConversion() {}

    /** A whole text message as {@code type}; {@link DecoderSet#NO_DECODER} if nothing decodes it. */
    static Object text(String text, Class<?> type, DecoderSet decoders) throws DecodeException, IOException {
        if (type == String.class) {
            return text;
        }
        if (type == Reader.class) {
            return new StringReader(text);
        }
        if (NativeType.isPrimitiveOrWrapper(type)) {
            return primitive(text, type);
        }
        return decoders.decodeText(text, type);
    }

    /** A whole binary message as {@code type}; {@link DecoderSet#NO_DECODER} if nothing decodes it. */
    static Object binary(ByteBuffer data, Class<?> type, DecoderSet decoders) throws DecodeException, IOException {
        if (type == ByteBuffer.class) {
            return data;
        }
        if (type == byte[].class) {
            return bytes(data);
        }
        if (type == InputStream.class) {
            return new ByteArrayInputStream(bytes(data));
        }
        return decoders.decodeBinary(data, type);
    }

    static byte[] bytes(ByteBuffer data) {
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        return bytes;
    }

    /**
     * §4.7 (WSC-4.7-2) and §4.3 (WSC-4.3-5): as if by the wrapper's one-String constructor; a
     * string that does not parse is a {@link DecodeException} for the error handler.
     */
    static Object primitive(String text, Class<?> type) throws DecodeException {
        try {
            if (type == int.class || type == Integer.class) {
                return Integer.valueOf(text);
            } else if (type == long.class || type == Long.class) {
                return Long.valueOf(text);
            } else if (type == short.class || type == Short.class) {
                return Short.valueOf(text);
            } else if (type == byte.class || type == Byte.class) {
                return Byte.valueOf(text);
            } else if (type == double.class || type == Double.class) {
                return Double.valueOf(text);
            } else if (type == float.class || type == Float.class) {
                return Float.valueOf(text);
            } else if (type == boolean.class || type == Boolean.class) {
                return Boolean.valueOf(text);
            } else if (type == char.class || type == Character.class) {
                if (text.length() != 1) {
                    throw new DecodeException(text, "not a single character");
                }
                return text.charAt(0);
            }
            return text;
        } catch (NumberFormatException e) {
            throw new DecodeException(text, "not a " + type.getSimpleName(), e);
        }
    }

    /** A copy the application may keep (a view of the runtime's buffer is valid only in the call). */
    static ByteBuffer copy(ByteBuffer data) {
        return ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
    }
}
