package io.duplex.jakarta;

import jakarta.websocket.RemoteEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What {@code RemoteEndpoint.Basic} and {@code RemoteEndpoint.Async} share (Jakarta WebSocket 2.1
 * §2.1.4): batching, pings and pongs, all through the session's {@link RemoteSender}.
 *
 * <p>Threading: as the sender's: safe from any thread.
 */
abstract class SenderRemote implements RemoteEndpoint {
    final RemoteSender sender;

    SenderRemote(RemoteSender sender) {
        this.sender = sender;
    }

    @Override
    public void setBatchingAllowed(boolean allowed) {
        sender.batching(allowed);
    }

    @Override
    public boolean getBatchingAllowed() {
        return sender.batching();
    }

    @Override
    public void flushBatch() {
        sender.flush();
    }

    @Override
    public void sendPing(ByteBuffer applicationData) throws IOException {
        sender.ping(applicationData);
    }

    @Override
    public void sendPong(ByteBuffer applicationData) throws IOException {
        sender.pong(applicationData);
    }
}
