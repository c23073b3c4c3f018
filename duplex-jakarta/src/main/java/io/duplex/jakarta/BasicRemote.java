package io.duplex.jakarta;

import jakarta.websocket.EncodeException;
import jakarta.websocket.RemoteEndpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;

/**
 * {@code RemoteEndpoint.Basic} on a Duplex socket: each whole-message send returns once the
 * message was written to the socket (or batched), or throws {@link java.io.IOException} if it was
 * dropped (session closed, outbound limit). Parts of a message ({@code isLast}) return once queued.
 *
 * <p>Threading: safe from any thread except the connection's event loop, where a blocking send
 * throws {@link IllegalStateException} (it could never complete there); endpoints run on a handler
 * executor under {@link JakartaServer} by default.
 */
final class BasicRemote extends SenderRemote implements RemoteEndpoint.Basic {

    BasicRemote(RemoteSender sender) {
        super(sender);
    }

    @Override
    public void sendText(String text) throws IOException {
        sender.sendAndWait(new EncoderSet.Encoded.Text(text));
    }

    @Override
    public void sendBinary(ByteBuffer data) throws IOException {
        sender.sendAndWait(new EncoderSet.Encoded.Binary(data));
    }

    @Override
    public void sendText(String partialMessage, boolean isLast) throws IOException {
        sender.sendPart(partialMessage, isLast);
    }

    @Override
    public void sendBinary(ByteBuffer partialByte, boolean isLast) throws IOException {
        sender.sendPart(partialByte, NativeType.BINARY, isLast);
    }

    @Override
    public OutputStream getSendStream() {
        return new PartialOutputStream(sender);
    }

    @Override
    public Writer getSendWriter() {
        return new PartialWriter(sender);
    }

    @Override
    public void sendObject(Object data) throws IOException, EncodeException {
        sender.sendAndWait(sender.encode(data));
    }
}
