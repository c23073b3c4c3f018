package io.duplex.jakarta;

import jakarta.websocket.EncodeException;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * {@code RemoteEndpoint.Async} on a Duplex socket: the future (or {@link SendHandler}) completes
 * when the message was written to the socket, and fails if it was dropped or the send timeout
 * passed first.
 *
 * <p>Threading: safe from any thread. {@code Future.get()} of an unfinished send on the
 * connection's event loop throws {@link IllegalStateException} instead of waiting forever.
 */
final class AsyncRemote extends SenderRemote implements RemoteEndpoint.Async {
    private final io.duplex.WebSocket ws;

    AsyncRemote(RemoteSender sender, io.duplex.WebSocket ws) {
        super(sender);
        this.ws = ws;
    }

    @Override
    public long getSendTimeout() {
        return sender.sendTimeout();
    }

    @Override
    public void setSendTimeout(long timeoutmillis) {
        sender.sendTimeout(timeoutmillis);
    }

    @Override
    public void sendText(String text, SendHandler handler) {
        notify(sender.send(new EncoderSet.Encoded.Text(text)), handler);
    }

    @Override
    public Future<Void> sendText(String text) {
        return new SendFuture(sender.send(new EncoderSet.Encoded.Text(text)), ws);
    }

    @Override
    public Future<Void> sendBinary(ByteBuffer data) {
        return new SendFuture(sender.send(new EncoderSet.Encoded.Binary(data)), ws);
    }

    @Override
    public void sendBinary(ByteBuffer data, SendHandler handler) {
        notify(sender.send(new EncoderSet.Encoded.Binary(data)), handler);
    }

    @Override
    public Future<Void> sendObject(Object data) {
        try {
            return new SendFuture(sender.send(sender.encode(data)), ws);
        } catch (EncodeException | IOException e) {
            return new SendFuture(CompletableFuture.failedFuture(e), ws);
        }
    }

    @Override
    public void sendObject(Object data, SendHandler handler) {
        try {
            notify(sender.send(sender.encode(data)), handler);
        } catch (EncodeException | IOException e) {
            handler.onResult(new SendResult(e));
        }
    }

    private static void notify(CompletableFuture<Void> sent, SendHandler handler) {
        if (handler == null) {
            throw new IllegalArgumentException("handler must not be null");
        }
        sent.whenComplete((v, t) -> handler.onResult(t == null ? new SendResult() : new SendResult(t)));
    }
}
