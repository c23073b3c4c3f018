package io.duplex.jakarta;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * {@code RemoteEndpoint.Basic.getSendStream()}: a binary message written in parts. Bytes are
 * gathered up to {@value #PART} and sent as one frame of a fragmented message (RFC 6455 §5.4);
 * {@code close} sends the last frame.
 *
 * <p>Threading: one writer thread at a time.
 */
final class PartialOutputStream extends OutputStream {
    static final int PART = 16 * 1024;

    private final RemoteSender sender;
    private final ByteBuffer buffer = ByteBuffer.allocate(PART);
    private boolean closed;

    PartialOutputStream(RemoteSender sender) {
        this.sender = sender;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        while (len > 0) {
            if (!buffer.hasRemaining()) {
                sendPart(false);
            }
            int n = Math.min(len, buffer.remaining());
            buffer.put(b, off, n);
            off += n;
            len -= n;
        }
    }

    private void sendPart(boolean last) throws IOException {
        buffer.flip();
        sender.sendPart(buffer, NativeType.BINARY, last);
        buffer.clear();
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            sendPart(true);
        }
    }
}
