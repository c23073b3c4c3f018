package io.duplex.socketio.engine;

/**
 * What an Engine.IO session tells the layer above it (Socket.IO).
 *
 * <p>Threading: every call runs on the session's {@link SerialQueue}, one at a time.
 */
public interface EngineListener {
    /** A text message ({@code 4…}). */
    void onMessage(EngineSession session, String text);

    /** A binary message. */
    void onBinary(EngineSession session, byte[] data);

    /** The session ended; {@code reason} as the reference server names it ("transport close", "ping timeout", …). */
    void onClose(EngineSession session, String reason);
}
