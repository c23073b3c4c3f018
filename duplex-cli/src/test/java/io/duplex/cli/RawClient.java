package io.duplex.cli;

import io.duplex.frame.FrameEncoder;
import io.duplex.frame.FrameParser;
import io.duplex.frame.Masking;
import io.duplex.frame.Opcode;
import io.duplex.handshake.ClientHandshake;
import io.duplex.handshake.HttpHead;
import io.duplex.handshake.HttpHeadLimits;
import io.duplex.handshake.HttpHeadParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A WebSocket client made of bare frames, for what the library will not send: fragments of our
 * choosing, unmasked frames. Reads are bounded by a socket timeout.
 */
final class RawClient implements AutoCloseable {
    /** A frame read from the server. */
    record Frame(boolean fin, Opcode opcode, byte[] payload) {
        int closeCode() {
            return ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ArrayDeque<Frame> frames = new ArrayDeque<>();
    private final FrameParser parser;
    private ByteBuffer leftover = ByteBuffer.allocate(0);

    RawClient(URI uri) throws IOException {
        socket = new Socket(uri.getHost(), uri.getPort());
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        ClientHandshake handshake = ClientHandshake.builder(uri).build();
        out.write(handshake.request().array());
        out.flush();
        HttpHeadParser heads = new HttpHeadParser(HttpHeadLimits.DEFAULT, HttpHeadParser.Kind.RESPONSE);
        byte[] buffer = new byte[8192];
        HttpHead head = null;
        while (head == null) {
            int n = in.read(buffer);
            if (n < 0) {
                throw new IOException("closed during the handshake");
            }
            ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
            head = heads.parse(b);
            if (head != null) {
                leftover = ByteBuffer.allocate(b.remaining()).put(b).flip();
            }
        }
        handshake.validate(head);
        parser = new FrameParser(false, 1 << 20, new FrameParser.Listener() {
            private boolean fin;
            private Opcode opcode;
            private final ByteArrayOutputStream payload = new ByteArrayOutputStream();

            @Override
            public void onFrameHeader(boolean fin, int rsv, Opcode opcode, long length) {
                this.fin = fin;
                this.opcode = opcode;
                payload.reset();
            }

            @Override
            public void onFramePayload(ByteBuffer data) {
                byte[] bytes = new byte[data.remaining()];
                data.duplicate().get(bytes);
                payload.write(bytes, 0, bytes.length);
            }

            @Override
            public void onFrameEnd() {
                frames.add(new Frame(fin, opcode, payload.toByteArray()));
            }
        });
    }

    /** Sends one frame, masked with a fixed key unless {@code masked} is false (a violation). */
    void send(boolean fin, Opcode opcode, byte[] payload, boolean masked) throws IOException {
        int key = 0x1234abcd;
        ByteBuffer frame = ByteBuffer.allocate(FrameEncoder.MAX_HEADER_SIZE + payload.length);
        FrameEncoder.writeHeader(frame, fin, 0, opcode, payload.length, masked, key);
        int start = frame.position();
        frame.put(payload);
        if (masked) {
            Masking.mask(frame, start, frame.position(), key);
        }
        out.write(frame.array(), 0, frame.position());
        out.flush();
    }

    /** The next frame from the server, waiting at most the socket timeout. */
    Frame read() throws IOException {
        if (leftover.hasRemaining()) {
            parser.parse(leftover);
        }
        byte[] buffer = new byte[8192];
        while (frames.isEmpty()) {
            int n = in.read(buffer);
            if (n < 0) {
                throw new IOException("closed before a frame arrived");
            }
            parser.parse(ByteBuffer.wrap(buffer, 0, n));
        }
        return frames.poll();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
