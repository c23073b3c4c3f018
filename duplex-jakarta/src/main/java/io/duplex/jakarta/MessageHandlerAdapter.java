package io.duplex.jakarta;

import jakarta.websocket.MessageHandler;

/**
 * Adapts a {@code MessageHandler.Whole} or {@code .Partial} of some type to the {@link Receiver}
 * of its native type (Jakarta WebSocket 2.1 §2.1.3): the type comes from the caller ({@code
 * addMessageHandler(Class, …)}) or from the handler's class (anonymous classes keep it; lambdas do
 * not, and are refused with the reason).
 *
 * <p>Threading: stateless.
 */
final class MessageHandlerAdapter {
    private MessageHandlerAdapter() {}

    /** The handled type, read from the handler's class. */
    static Class<?> typeOf(MessageHandler handler) {
        Class<?> target = handler instanceof MessageHandler.Partial<?>
                ? MessageHandler.Partial.class
                : MessageHandler.Whole.class;
        Class<?> type = TypeArguments.of(handler.getClass(), target);
        if (type == null || type == Object.class) {
            // §2.1.3: the type parameter of a lambda is erased; the Class overload is required.
            throw new IllegalStateException("cannot tell the message type of "
                    + handler.getClass().getName() + ": use addMessageHandler(Class, handler) for lambdas");
        }
        return type;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Receiver adapt(DuplexSession session, Class<?> type, MessageHandler handler) {
        DecoderSet decoders = session.decoders();
        if (handler instanceof MessageHandler.Partial partial) {
            NativeType kind = NativeType.ofPartial(type);
            if (kind == NativeType.TEXT) {
                return new Receiver.Text(handler, -1, true, (text, last) -> partial.onMessage(text, last));
            }
            if (kind == NativeType.BINARY) {
                boolean array = type == byte[].class;
                return new Receiver.Binary(
                        handler,
                        -1,
                        true,
                        (data, last) -> partial.onMessage(array ? PayloadConversion.bytes(data) : data, last));
            }
            throw new IllegalStateException("partial handlers take String, ByteBuffer or byte[], not " + type);
        }
        MessageHandler.Whole whole = (MessageHandler.Whole) handler;
        NativeType kind = NativeType.ofWhole(type, session.declaredDecoders());
        if (kind == null) {
            throw new IllegalStateException("no decoder for " + type.getName());
        }
        return switch (kind) {
            case TEXT ->
                new Receiver.Text(handler, -1, false, (text, last) -> {
                    Object message = PayloadConversion.text(text, type, decoders);
                    if (message == DecoderSet.NO_DECODER) {
                        session.cannotAccept("no decoder takes this text message");
                    } else {
                        whole.onMessage(message);
                    }
                });
            case BINARY ->
                new Receiver.Binary(handler, -1, false, (data, last) -> {
                    Object message = PayloadConversion.binary(data, type, decoders);
                    if (message == DecoderSet.NO_DECODER) {
                        session.cannotAccept("no decoder takes this binary message");
                    } else {
                        whole.onMessage(message);
                    }
                });
            case PONG -> new Receiver.Pong(handler, (pong, last) -> whole.onMessage(pong));
        };
    }
}
