package io.duplex.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.duplex.deflate.DeflateConfig;
import io.duplex.deflate.PerMessageDeflate;
import io.duplex.extension.Extension;
import io.duplex.extension.ExtensionParameters;
import io.duplex.frame.FrameEncoder;
import io.duplex.frame.Masking;
import io.duplex.frame.Opcode;
import io.duplex.protocol.Protocol;
import io.duplex.protocol.ProtocolConfig;
import io.duplex.protocol.Role;
import io.duplex.protocol.State;
import io.duplex.testing.Hex;
import io.duplex.testing.ProtocolRecorder;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Target 2: valid traffic built from fuzz data must come out as it went in.
 *
 * <p>{@link #encodedFrames}: frames written with {@link FrameEncoder} and {@link Masking} (masked
 * piecewise, to exercise the key offset) must equal the same frames written naively here, and a
 * {@link Protocol} must read them back as exactly the messages, pings and pongs that were
 * encoded, with one Pong per Ping. Input, read by a {@link Cursor}: options (bit 0 client role,
 * bit 1 assembly off), a chunk size, then commands — a byte whose bits 0–1 choose text, binary,
 * ping or pong, bits 2–3 the fragment count, bit 4 a Ping inside the message — each followed by
 * its payload (16-bit length, then bytes), the fragment cut points and the mask keys.
 *
 * <p>{@link #protocolPair}: a client and a server {@link Protocol} wired to each other, maybe
 * with permessage-deflate negotiated between them; everything one sends with {@code sendText},
 * {@code sendBinary}, {@code sendTextUtf8}, {@code sendFragment}, {@code sendPing} and {@code
 * sendPong} arrives at the other as sent (auto-pongs included), and the close handshake ends with
 * both sides CLOSED, the code and reason delivered, and every pooled codec returned. Input:
 * options (bit 0 deflate, bit 1 context takeover, bit 2 assembly off, bits 3–6 a client window the
 * server's response limits to 8–15 bits), threshold, level, chunk size, then commands — bit 0
 * which side sends, bits 1–3 what, bit 4 an invalid fragment tried inside a fragmented text —
 * each with its payload. A refused {@code sendFragment} must change nothing.
 */
class RoundTripFuzzTest {

    private static final int MAX_PAYLOAD = 20_000;
    private static final int[] CLOSE_CODES = {
        1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999
    };

    // ---------------------------------------------------------------- FrameEncoder + Masking

    @FuzzTest
    void encodedFrames(byte[] data) {
        Cursor in = new Cursor(data);
        int options = in.nextByte();
        Role receiver = (options & 1) != 0 ? Role.CLIENT : Role.SERVER;
        boolean masked = receiver == Role.SERVER;
        ProtocolConfig config =
                ProtocolConfig.builder().assembleMessages((options & 2) == 0).build();
        int chunk = in.nextByte() + 1;

        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        List<String> expected = new ArrayList<>();
        int pings = 0;
        while (in.hasMore()) {
            int command = in.nextByte();
            int kind = command & 3;
            if (kind >= 2) {
                byte[] payload = in.nextBytes(Math.min(125, in.nextByte()));
                Opcode opcode = kind == 2 ? Opcode.PING : Opcode.PONG;
                writeFrame(wire, true, opcode, payload, masked, in.nextInt(), in.nextByte());
                expected.add((kind == 2 ? "ping:" : "pong:") + Hex.of(payload));
                pings += kind == 2 ? 1 : 0;
                continue;
            }
            boolean text = kind == 0;
            byte[] raw = in.nextLongBlob(MAX_PAYLOAD);
            byte[] payload = text ? Cursor.utf8(raw) : raw;
            int fragments = ((command >>> 2) & 3) + 1;
            int[] cuts = cuts(in, payload.length, fragments);
            boolean pingInside = (command & 0x10) != 0 && fragments > 1;
            byte[] pingPayload = pingInside ? in.nextBytes(Math.min(125, in.nextByte())) : null;
            for (int f = 0; f < fragments; f++) {
                Opcode opcode = f > 0 ? Opcode.CONTINUATION : text ? Opcode.TEXT : Opcode.BINARY;
                byte[] part = Arrays.copyOfRange(payload, cuts[f], cuts[f + 1]);
                writeFrame(wire, f == fragments - 1, opcode, part, masked, in.nextInt(), in.nextByte());
                if (f == 0 && pingInside) {
                    writeFrame(wire, true, Opcode.PING, pingPayload, masked, in.nextInt(), in.nextByte());
                    expected.add("ping:" + Hex.of(pingPayload));
                    pings++;
                }
            }
            expected.add(text ? "text:" + new String(payload, StandardCharsets.UTF_8) : "binary:" + Hex.of(payload));
        }
        expected.add("close:1006,,false,null");

        Observed observed = new Observed(config);
        Protocol protocol = observed.builder(receiver).config(config).build();
        // A second engine on the same thread's reader pool reads a copy of the stream in step with
        // the first, as two connections of one event loop do: each keeps its reader while its
        // message spans reads, and neither sees anything of the other's.
        Observed twin = new Observed(config);
        Protocol twinProtocol = twin.builder(receiver).config(config).build();
        byte[] bytes = wire.toByteArray();
        byte[] twinBytes = bytes.clone(); // each engine unmasks its input in place
        int twinChunk = Math.max(1, chunk / 2 + 1);
        int twinAt = 0;
        for (int at = 0; at < bytes.length; at += chunk) {
            protocol.receive(ByteBuffer.wrap(bytes, at, Math.min(chunk, bytes.length - at)));
            for (int k = 0; k < 2 && twinAt < twinBytes.length; k++, twinAt += twinChunk) {
                twinProtocol.receive(
                        ByteBuffer.wrap(twinBytes, twinAt, Math.min(twinChunk, twinBytes.length - twinAt)));
            }
        }
        for (; twinAt < twinBytes.length; twinAt += twinChunk) {
            twinProtocol.receive(ByteBuffer.wrap(twinBytes, twinAt, Math.min(twinChunk, twinBytes.length - twinAt)));
        }
        protocol.receiveEof();
        twinProtocol.receiveEof();
        Check.equal(expected, observed.normalized, "events read back");
        Check.equal(expected, twin.normalized, "events read back by an engine sharing the reader pool");
        List<ProtocolRecorder.Frame> written = observed.recorder.takeFrames();
        Check.equal(pings, written.size(), "pongs written");
        for (ProtocolRecorder.Frame f : written) {
            Check.equal(0xA, f.opcode(), "opcode written");
        }
    }

    /** {@code fragments + 1} sorted cut points from 0 to {@code length}. */
    private static int[] cuts(Cursor in, int length, int fragments) {
        int[] cuts = new int[fragments + 1];
        for (int i = 1; i < fragments; i++) {
            cuts[i] = (int) ((long) in.nextByte() * length / 255);
        }
        cuts[fragments] = length;
        Arrays.sort(cuts, 1, fragments);
        return cuts;
    }

    /**
     * Writes one frame with the code under test, checks it against a naive encoding, and appends
     * it. The payload is masked in two pieces, split at {@code split}, to use the key offset.
     */
    private static void writeFrame(
            ByteArrayOutputStream wire,
            boolean fin,
            Opcode opcode,
            byte[] payload,
            boolean masked,
            int key,
            int split) {
        int n = payload.length;
        ByteBuffer frame = ByteBuffer.allocate(FrameEncoder.headerSize(n, masked) + n);
        FrameEncoder.writeHeader(frame, fin, 0, opcode, n, masked, key);
        Check.equal(FrameEncoder.headerSize(n, masked), frame.position(), "header size");
        int start = frame.position();
        frame.put(payload);
        if (masked) {
            int mid = start + Math.min(n, split);
            Masking.mask(frame, start, mid, key, 0);
            Masking.mask(frame, mid, start + n, key, mid - start);
        }
        byte[] naive = naiveFrame(fin, opcode.code(), payload, masked, key);
        Check.equal(Hex.of(naive), Hex.of(frame.array()), "FrameEncoder + Masking vs a naive encoding");
        wire.writeBytes(naive);
    }

    private static byte[] naiveFrame(boolean fin, int opcode, byte[] payload, boolean masked, int key) {
        byte[] plain = ClosePayloadFuzzTest.frame((fin ? 0x80 : 0) | opcode, payload);
        if (!masked) {
            return plain;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int header = plain.length - payload.length;
        out.write(plain[0]);
        out.write(plain[1] | 0x80);
        out.write(plain, 2, header - 2);
        for (int shift = 24; shift >= 0; shift -= 8) {
            out.write(key >>> shift);
        }
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ (key >>> (24 - 8 * (i & 3))));
        }
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- client ↔ server

    @FuzzTest
    void protocolPair(byte[] data) {
        Cursor in = new Cursor(data);
        int options = in.nextByte();
        boolean deflate = (options & 1) != 0;
        boolean contextTakeover = (options & 2) != 0;
        // Bits 3-6: the client's window as the server's response limits it (8 + n), 0 for none;
        // under 15 bits the client compresses Huffman-only.
        int clientWindow = (options >>> 3) & 15;
        ProtocolConfig config =
                ProtocolConfig.builder().assembleMessages((options & 4) == 0).build();
        int threshold = in.nextByte() * 8;
        int level = in.nextByte() % 11 - 1;
        int chunk = in.nextByte() + 1;

        CountingDeflaterPool pool = new CountingDeflaterPool();
        Pair pair = new Pair(config, chunk);
        if (deflate) {
            DeflateConfig dc = DeflateConfig.builder()
                    .contextTakeover(contextTakeover)
                    .threshold(threshold)
                    .compressionLevel(level)
                    .pool(pool)
                    .build();
            PerMessageDeflate clientFactory = new PerMessageDeflate(
                    dc.toBuilder().offerClientMaxWindowBits(clientWindow != 0).build());
            PerMessageDeflate serverFactory = new PerMessageDeflate(dc);
            Extension server = serverFactory
                    .serverAccept(clientFactory.clientOffers())
                    .orElseThrow(() -> new AssertionError("server declined our own offer"));
            ExtensionParameters response = server.negotiated();
            if (clientWindow != 0) {
                // Our server never limits the client's window; a peer may (RFC 7692 §7.1.2.2).
                response = response.with("client_max_window_bits", Integer.toString(Math.min(15, 7 + clientWindow)));
            }
            Extension client = clientFactory
                    .clientAccept(response)
                    .orElseThrow(() -> new AssertionError("client refused the response"));
            pair.build(List.of(client), List.of(server));
        } else {
            pair.build(List.of(), List.of());
        }

        boolean closed = false;
        while (in.hasMore() && !closed) {
            int command = in.nextByte();
            boolean fromClient = (command & 1) == 0;
            Side sender = fromClient ? pair.client : pair.server;
            Side receiver = fromClient ? pair.server : pair.client;
            switch ((command >>> 1) & 7) {
                case 0 -> {
                    String text = new String(Cursor.utf8(in.nextLongBlob(MAX_PAYLOAD)), StandardCharsets.UTF_8);
                    sender.protocol.sendText(text);
                    receiver.expected.add("text:" + text);
                }
                case 1 -> {
                    byte[] b = in.nextLongBlob(MAX_PAYLOAD);
                    sender.protocol.sendBinary(ByteBuffer.wrap(b));
                    receiver.expected.add("binary:" + Hex.of(b));
                }
                case 2 -> {
                    byte[] utf8 = Cursor.utf8(in.nextLongBlob(MAX_PAYLOAD));
                    sender.protocol.sendTextUtf8(ByteBuffer.wrap(utf8));
                    receiver.expected.add("text:" + new String(utf8, StandardCharsets.UTF_8));
                }
                case 3, 4 -> {
                    boolean text = ((command >>> 1) & 7) == 3;
                    byte[] raw = in.nextLongBlob(MAX_PAYLOAD);
                    byte[] b = text ? Cursor.utf8(raw) : raw;
                    int fragments = in.nextByte() % 4 + 1;
                    int[] cuts = cuts(in, b.length, fragments);
                    // Bit 4: between the first two fragments, try a fragment of invalid UTF-8.
                    boolean misuse = text && fragments > 1 && (command & 0x10) != 0;
                    for (int f = 0; f < fragments && !closed; f++) {
                        sender.protocol.sendFragment(
                                text, ByteBuffer.wrap(b, cuts[f], cuts[f + 1] - cuts[f]), f == fragments - 1);
                        if (f == 0 && misuse) {
                            refusedFragment(sender.protocol);
                            if (KnownFindings.F2_REFUSED_FRAGMENT_WEDGES_SENDER) {
                                // The message cannot go on (finding F2): close instead.
                                pair.close(sender, receiver, in);
                                closed = true;
                            }
                        }
                    }
                    if (!closed) {
                        receiver.expected.add(
                                text ? "text:" + new String(b, StandardCharsets.UTF_8) : "binary:" + Hex.of(b));
                    }
                }
                case 5 -> {
                    byte[] b = in.nextBytes(Math.min(125, in.nextByte()));
                    sender.protocol.sendPing(ByteBuffer.wrap(b));
                    receiver.expected.add("ping:" + Hex.of(b));
                    sender.expected.add("pong:" + Hex.of(b)); // auto-pong
                }
                case 6 -> {
                    byte[] b = in.nextBytes(Math.min(125, in.nextByte()));
                    sender.protocol.sendPong(ByteBuffer.wrap(b));
                    receiver.expected.add("pong:" + Hex.of(b));
                }
                default -> {
                    pair.close(sender, receiver, in);
                    closed = true;
                }
            }
            pair.pump();
        }
        if (!closed) {
            pair.close(pair.client, pair.server, in);
            pair.pump();
        }
        for (Side side : List.of(pair.client, pair.server)) {
            Check.equal(side.expected, side.observed.normalized, side.role + " received");
            Check.equal(State.CLOSED, side.protocol.state(), side.role + " state");
        }
        Check.that(pair.server.protocol.shouldCloseTransport(), () -> "server keeps the transport after the close");
        pool.checkAllReturned("after the close handshake");
        pool.clear();
    }

    /**
     * {@code sendFragment} refuses a fragment that cannot continue the text (RFC 6455 §8.1) with
     * {@link IllegalArgumentException} and, as documented, sends nothing.
     */
    private static void refusedFragment(Protocol sender) {
        try {
            sender.sendFragment(true, ByteBuffer.wrap(new byte[] {'!', (byte) 0xFF}), false);
        } catch (IllegalArgumentException expected) {
            return;
        }
        throw new AssertionError("invalid UTF-8 fragment accepted");
    }

    /** One end of the pair: its protocol, what it saw, what it should see, what it wrote. */
    static final class Side {
        final Role role;
        final Observed observed;
        final List<String> expected = new ArrayList<>();
        final ByteArrayOutputStream outbox = new ByteArrayOutputStream();
        Protocol protocol;

        Side(Role role, ProtocolConfig config) {
            this.role = role;
            this.observed = new Observed(config);
        }
    }

    static final class Pair {
        final ProtocolConfig config;
        final int chunk;
        final Side client;
        final Side server;
        private int maskKey = 0x1234_5678;

        Pair(ProtocolConfig config, int chunk) {
            this.config = config;
            this.chunk = chunk;
            this.client = new Side(Role.CLIENT, config);
            this.server = new Side(Role.SERVER, config);
        }

        void build(List<Extension> clientExtensions, List<Extension> serverExtensions) {
            client.protocol = build(client, clientExtensions);
            server.protocol = build(server, serverExtensions);
        }

        private Protocol build(Side side, List<Extension> extensions) {
            return Protocol.builder(side.role)
                    .config(config)
                    .events(side.observed)
                    .output((header, payload) -> {
                        side.outbox.writeBytes(Observed.bytes(header));
                        side.outbox.writeBytes(Observed.bytes(payload));
                    })
                    .maskKeys(() -> maskKey = maskKey * 1_103_515_245 + 12345)
                    .extensions(extensions)
                    .build();
        }

        /** Delivers what each side wrote to the other, in chunks, until nothing is in flight. */
        void pump() {
            while (client.outbox.size() > 0 || server.outbox.size() > 0) {
                deliver(client, server);
                deliver(server, client);
            }
        }

        private void deliver(Side from, Side to) {
            byte[] bytes = from.outbox.toByteArray();
            from.outbox.reset();
            for (int at = 0; at < bytes.length; at += chunk) {
                ByteBuffer b = ByteBuffer.wrap(bytes, at, Math.min(chunk, bytes.length - at));
                to.protocol.receive(b);
                Check.that(!b.hasRemaining(), () -> "receive left bytes");
            }
        }

        /** The close handshake started by {@code initiator} with a code and reason from the input. */
        void close(Side initiator, Side peer, Cursor in) {
            int code = CLOSE_CODES[in.nextByte() % CLOSE_CODES.length];
            String reason = new String(Cursor.utf8(in.nextBlob()), StandardCharsets.UTF_8);
            while (reason.getBytes(StandardCharsets.UTF_8).length > 123) {
                reason = reason.substring(0, reason.offsetByCodePoints(reason.length(), -1));
            }
            initiator.protocol.sendClose(code, reason);
            peer.expected.add("close:" + code + "," + reason + ",true,null");
            initiator.expected.add("close:" + code + ",,true,null");
        }
    }
}
