package io.duplex.socketio.engine;

import io.duplex.PreparedMessage;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Packets encoded once for any number of sessions (a broadcast): WebSocket sessions share one
 * {@link PreparedMessage} per packet, framed once, made on first use.
 *
 * <p>Threading: safe from any thread.
 */
public final class EngineBatch {
    private final List<EnginePacket> packets;
    private volatile List<PreparedMessage> prepared;

    public EngineBatch(List<EnginePacket> packets) {
        this.packets = List.copyOf(packets);
    }

    public List<EnginePacket> packets() {
        return packets;
    }

    /** The packets as WebSocket messages, prepared once. */
    List<PreparedMessage> prepared() {
        List<PreparedMessage> p = prepared;
        if (p == null) {
            synchronized (this) {
                p = prepared;
                if (p == null) {
                    p = packets.stream()
                            .map(k -> k.isBinary()
                                    ? PreparedMessage.binary(ByteBuffer.wrap(k.binary()))
                                    : PreparedMessage.text(k.wsText()))
                            .toList();
                    prepared = p;
                }
            }
        }
        return p;
    }
}
