package io.duplex.jakarta;

import java.io.IOException;
import java.io.Writer;

/**
 * {@code RemoteEndpoint.Basic.getSendWriter()}: a text message written in parts of up to
 * {@value #PART} chars, each a frame of a fragmented message (RFC 6455 §5.4); a surrogate pair is
 * never split between frames, so every frame is whole UTF-8. {@code close} sends the last frame.
 *
 * <p>Threading: one writer thread at a time.
 */
final class PartialWriter extends Writer {
    static final int PART = 8 * 1024;

    private final RemoteSender sender;
    private final StringBuilder buffer = new StringBuilder();
    private boolean closed;

    PartialWriter(RemoteSender sender) {
        this.sender = sender;
    }

    @Override
    public void write(char[] cbuf, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("writer closed");
        }
        buffer.append(cbuf, off, len);
        while (buffer.length() > PART) {
            int cut = Character.isHighSurrogate(buffer.charAt(PART - 1)) ? PART - 1 : PART;
            sender.sendPart(buffer.substring(0, cut), false);
            buffer.delete(0, cut);
        }
    }

    @Override
    public void flush() {
        // Parts leave when full or on close: a flush cannot end a frame mid-message usefully.
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            sender.sendPart(buffer.toString(), true);
            buffer.setLength(0);
        }
    }
}
