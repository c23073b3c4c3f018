package io.duplex.internal;

import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import java.nio.ByteBuffer;

/**
 * Whether a handler takes text as UTF-8 bytes: its class overrides {@link
 * WebSocketHandler#onTextUtf8}. Then its connection's engine delivers complete text messages as
 * bytes ({@code Protocol.Builder.textAsUtf8}); otherwise the engine decodes them, as it always
 * did, and {@code onTextUtf8}'s default is never called. Asked once per handler class (a {@link
 * ClassValue}), as Netty asks which methods a channel handler skips.
 *
 * <p>Threading: safe from any thread.
 */
final class TextAsUtf8 {
    private static final ClassValue<Boolean> OVERRIDES = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return type.getMethod("onTextUtf8", WebSocket.class, ByteBuffer.class)
                                .getDeclaringClass()
                        != WebSocketHandler.class;
            } catch (NoSuchMethodException e) {
                throw new AssertionError("WebSocketHandler declares onTextUtf8", e);
            }
        }
    };

    private TextAsUtf8() {}

    static boolean wantedBy(WebSocketHandler handler) {
        return OVERRIDES.get(handler.getClass());
    }
}
