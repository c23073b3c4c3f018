package io.duplex.deflate;

import static io.duplex.deflate.DeflateTesting.bytes;
import static io.duplex.deflate.DeflateTesting.hex;
import static io.duplex.deflate.DeflateTesting.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.deflate.DeflateTesting.CountingBudget;
import io.duplex.deflate.DeflateTesting.CountingPool;
import io.duplex.extension.Extension;
import io.duplex.frame.FrameEncoder;
import io.duplex.frame.Masking;
import io.duplex.frame.Opcode;
import io.duplex.frame.Rsv;
import io.duplex.frame.Violation;
import io.duplex.protocol.Event;
import io.duplex.protocol.Protocol;
import io.duplex.protocol.Role;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** permessage-deflate end to end: a client and a server {@link Protocol} wired in memory. */
class DeflateProtocolTest {

    private static final int MASK_KEY = 0x37fa213d;

    private final CountingPool pool = new CountingPool();
    private final CountingBudget budget = new CountingBudget();
    private Peer client;
    private Peer server;

    /** One end: its protocol, what it wrote, what it received. */
    private static final class Peer {
        final ByteArrayOutputStream wire = new ByteArrayOutputStream();
        final List<Event> events = new ArrayList<>();
        final List<byte[]> frames = new ArrayList<>();
        final Protocol protocol;

        Peer(Role role, Extension extension) {
            protocol = Protocol.builder(role)
                    .events(e -> events.add(copy(e)))
                    .output((header, payload) -> {
                        byte[] h = bytes(header);
                        byte[] p = bytes(payload);
                        byte[] frame = new byte[h.length + p.length];
                        System.arraycopy(h, 0, frame, 0, h.length);
                        System.arraycopy(p, 0, frame, h.length, p.length);
                        frames.add(frame);
                        wire.writeBytes(frame);
                    })
                    .maskKeys(() -> MASK_KEY)
                    .extensions(List.of(extension))
                    .build();
        }

        /** Hands everything written so far to the other end, in pieces of {@code piece} bytes. */
        void flushTo(Peer other, int piece) {
            byte[] bytes = wire.toByteArray();
            wire.reset();
            for (int from = 0; from < bytes.length; from += piece) {
                other.protocol.receive(ByteBuffer.wrap(bytes, from, Math.min(piece, bytes.length - from)));
            }
        }

        private static Event copy(Event e) {
            // Buffers in events are only valid during delivery.
            return e instanceof Event.Binary b ? new Event.Binary(ByteBuffer.wrap(bytes(b.data()))) : e;
        }

        Event.Close close() {
            return (Event.Close) events.get(events.size() - 1);
        }
    }

    private void connect(DeflateConfig config) {
        DeflateConfig pooled = config.toBuilder().pool(pool).budget(budget).build();
        PerMessageDeflate factory = new PerMessageDeflate(pooled);
        Extension serverExtension = factory.serverAccept(factory.clientOffers()).orElseThrow();
        Extension clientExtension =
                factory.clientAccept(serverExtension.negotiated()).orElseThrow();
        server = new Peer(Role.SERVER, serverExtension);
        client = new Peer(Role.CLIENT, clientExtension);
    }

    @AfterEach
    void nothingLeaks() {
        // However the connection ended, the protocol closed the extensions.
        for (Peer p : new Peer[] {client, server}) {
            if (p.protocol.state() != io.duplex.protocol.State.CLOSED) {
                p.protocol.receiveEof();
            }
        }
        assertThat(pool.out()).as("deflaters, inflaters, chunks out").containsExactly(0, 0, 0);
        assertThat(budget.released).isEqualTo(budget.acquired);
    }

    @Test
    void compressedTextAndBinaryBothWays() {
        connect(DeflateConfig.DEFAULT);
        String text = new String(json(4000, 1), StandardCharsets.US_ASCII);
        byte[] binary = json(70_000, 2);

        client.protocol.sendText(text);
        server.protocol.sendBinary(ByteBuffer.wrap(binary));
        client.protocol.sendText("small");

        assertThat(client.frames.get(0)[0]).isEqualTo((byte) (0x80 | Rsv.RSV1 | Opcode.TEXT.code()));
        assertThat(client.frames.get(0).length).isLessThan(text.length() / 2);
        assertThat(server.frames.get(0)[0]).isEqualTo((byte) (0x80 | Rsv.RSV1 | Opcode.BINARY.code()));
        assertThat(client.frames.get(1)[0]).as("under the threshold").isEqualTo((byte) 0x81);
        client.flushTo(server, 1000);
        server.flushTo(client, 777);
        assertThat(server.events).containsExactly(new Event.Text(text), new Event.Text("small"));
        assertThat(client.events).singleElement().isInstanceOfSatisfying(Event.Binary.class, b -> assertThat(
                        bytes(b.data()))
                .isEqualTo(binary));
        assertThat(pool.balanced()).as("an idle connection holds no codec").isTrue();
    }

    @Test
    void contextTakeoverBothWaysThenACleanClose() {
        connect(DeflateConfig.builder().contextTakeover(true).build());
        String text = new String(json(4000, 3), StandardCharsets.US_ASCII);

        for (int i = 0; i < 3; i++) {
            client.protocol.sendText(text);
            server.protocol.sendText(text);
        }
        client.flushTo(server, 4096);
        server.flushTo(client, 4096);

        assertThat(client.frames.get(2).length).isLessThan(client.frames.get(0).length / 10);
        assertThat(server.events).containsExactly(new Event.Text(text), new Event.Text(text), new Event.Text(text));
        assertThat(client.events).containsExactly(new Event.Text(text), new Event.Text(text), new Event.Text(text));
        assertThat(budget.acquired).isEqualTo(2);
        assertThat(pool.out()).containsExactly(2, 2, 0);

        client.protocol.sendClose(1000, "bye");
        client.flushTo(server, 100);
        server.flushTo(client, 100);

        assertThat(server.close().clean()).isTrue();
        assertThat(client.close().clean()).isTrue();
        assertThat(pool.out()).containsExactly(0, 0, 0);
        assertThat(budget.released).isEqualTo(2);
    }

    @Test
    void theRfcExampleFramesReachTheClient() {
        connect(DeflateConfig.DEFAULT);

        // RFC 7692 §7.2.3.1: one frame, then the same message in two fragments.
        client.protocol.receive(hex("c1 07 f2 48 cd c9 c9 07 00"));
        client.protocol.receive(hex("41 03 f2 48 cd 80 04 c9 c9 07 00"));

        assertThat(client.events).containsExactly(new Event.Text("Hello"), new Event.Text("Hello"));
    }

    @Test
    void aFragmentedCompressedMessageFromTheServer() {
        connect(DeflateConfig.DEFAULT);
        byte[] message = json(50_000, 4);
        byte[] compressed = bytes(
                PerMessageDeflate.compressOnce(ByteBuffer.wrap(message), 6).payload());
        int a = compressed.length / 3;
        int b = 2 * compressed.length / 3;

        client.protocol.receive(frame(false, Rsv.RSV1, Opcode.TEXT, compressed, 0, a, false));
        client.protocol.receive(frame(false, 0, Opcode.CONTINUATION, compressed, a, b, false));
        client.protocol.receive(frame(true, 0, Opcode.CONTINUATION, compressed, b, compressed.length, false));

        assertThat(client.events).containsExactly(new Event.Text(new String(message, StandardCharsets.US_ASCII)));
    }

    @Test
    void aFragmentedCompressedMessageFromTheClientMasked() {
        connect(DeflateConfig.DEFAULT);
        byte[] message = json(30_000, 5);
        byte[] compressed = bytes(
                PerMessageDeflate.compressOnce(ByteBuffer.wrap(message), 6).payload());
        int half = compressed.length / 2;

        server.protocol.receive(frame(false, Rsv.RSV1, Opcode.BINARY, compressed, 0, half, true));
        server.protocol.receive(frame(true, 0, Opcode.CONTINUATION, compressed, half, compressed.length, true));

        assertThat(server.events).singleElement().isInstanceOfSatisfying(Event.Binary.class, e -> assertThat(
                        bytes(e.data()))
                .isEqualTo(message));
    }

    @Test
    void aDecompressionBombFailsTheConnectionWith1009() {
        connect(DeflateConfig.DEFAULT);
        byte[] bomb = bytes(
                PerMessageDeflate.compressOnce(ByteBuffer.allocate(10 << 20), 9).payload());

        server.protocol.receive(frame(true, Rsv.RSV1, Opcode.BINARY, bomb, 0, bomb.length, true));

        assertThat(server.close().violation()).isEqualTo(Violation.MESSAGE_TOO_BIG);
        assertThat(server.close().code()).isEqualTo(1009);
        assertThat(server.events).hasSize(1);
        assertThat(pool.balanced()).isTrue();
    }

    @Test
    void invalidCompressedDataFailsTheConnectionWith1007() {
        connect(DeflateConfig.DEFAULT);
        byte[] garbage = {(byte) 0xff, (byte) 0xff, 0x01};

        client.protocol.receive(frame(true, Rsv.RSV1, Opcode.BINARY, garbage, 0, garbage.length, false));

        assertThat(client.close().violation()).isEqualTo(Violation.INVALID_COMPRESSED_DATA);
        assertThat(client.close().code()).isEqualTo(1007);
        assertThat(pool.balanced()).isTrue();
    }

    @Test
    void invalidUtf8FoundAfterInflatingFailsTheConnectionWith1007() {
        connect(DeflateConfig.DEFAULT);
        byte[] bad = new byte[3000];
        java.util.Arrays.fill(bad, (byte) 'a');
        bad[2000] = (byte) 0xff;
        byte[] compressed =
                bytes(PerMessageDeflate.compressOnce(ByteBuffer.wrap(bad), 6).payload());

        client.protocol.receive(frame(true, Rsv.RSV1, Opcode.TEXT, compressed, 0, compressed.length, false));

        assertThat(client.close().violation()).isEqualTo(Violation.INVALID_UTF8);
        assertThat(pool.balanced()).isTrue();
    }

    @Test
    void rsv1OnAContinuationFrameIsAProtocolError() {
        connect(DeflateConfig.DEFAULT);
        byte[] compressed = bytes(PerMessageDeflate.compressOnce(ByteBuffer.wrap(json(3000, 6)), 6)
                .payload());

        client.protocol.receive(frame(false, Rsv.RSV1, Opcode.TEXT, compressed, 0, 10, false));
        client.protocol.receive(frame(true, Rsv.RSV1, Opcode.CONTINUATION, compressed, 10, compressed.length, false));

        assertThat(client.close().violation()).isEqualTo(Violation.COMPRESSED_CONTROL_OR_CONTINUATION);
        assertThat(pool.balanced()).isTrue();
    }

    @Test
    void aTransportEndingMidMessageGivesTheInflaterBack() {
        connect(DeflateConfig.DEFAULT);
        byte[] compressed = bytes(PerMessageDeflate.compressOnce(ByteBuffer.wrap(json(3000, 7)), 6)
                .payload());

        client.protocol.receive(frame(false, Rsv.RSV1, Opcode.TEXT, compressed, 0, 10, false));
        assertThat(pool.inflatersOut).isEqualTo(1);
        client.protocol.receiveEof();

        assertThat(client.close().code()).isEqualTo(1006);
        assertThat(pool.balanced()).isTrue();
    }

    private static ByteBuffer frame(
            boolean fin, int rsv, Opcode opcode, byte[] payload, int from, int to, boolean masked) {
        int length = to - from;
        ByteBuffer frame = ByteBuffer.allocate(FrameEncoder.MAX_HEADER_SIZE + length);
        FrameEncoder.writeHeader(frame, fin, rsv, opcode, length, masked, MASK_KEY);
        int start = frame.position();
        frame.put(payload, from, length);
        if (masked) {
            Masking.mask(frame, start, start + length, MASK_KEY);
        }
        return frame.flip();
    }
}
