package io.duplex.deflate;

import static io.duplex.deflate.DeflateTesting.bytes;
import static io.duplex.deflate.DeflateTesting.decode;
import static io.duplex.deflate.DeflateTesting.inflate;
import static io.duplex.deflate.DeflateTesting.json;
import static io.duplex.deflate.DeflateTesting.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.deflate.DeflateTesting.CountingPool;
import io.duplex.deflate.DeflateTesting.Pair;
import io.duplex.extension.Extension;
import io.duplex.frame.Rsv;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Messages survive the trip through both ends' extensions, in every mode. */
class DeflateRoundTripTest {

    private static final int THRESHOLD = DeflateConfig.DEFAULT_THRESHOLD;

    static Stream<Arguments> sizes() {
        List<Arguments> list = new ArrayList<>();
        for (int size : new int[] {0, 1, THRESHOLD - 1, THRESHOLD, 64 * 1024, 1024 * 1024}) {
            for (boolean takeover : new boolean[] {false, true}) {
                list.add(Arguments.of(size, "json", takeover));
                list.add(Arguments.of(size, "random", takeover));
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} bytes of {1}, context takeover {2}")
    @MethodSource("sizes")
    void roundTrip(int size, String kind, boolean takeover) throws Exception {
        CountingPool pool = new CountingPool();
        DeflateConfig config =
                DeflateConfig.builder().contextTakeover(takeover).pool(pool).build();
        byte[] message = kind.equals("json") ? json(size, size) : random(size, size);
        try (Pair pair = Pair.negotiate(config)) {
            for (int i = 0; i < 3; i++) {
                for (boolean fromServer : new boolean[] {true, false}) {
                    Extension sender = fromServer ? pair.server() : pair.client();
                    Extension receiver = fromServer ? pair.client() : pair.server();
                    ByteBuffer payload = ByteBuffer.wrap(message);

                    Extension.Encoded encoded = sender.encode(false, payload);

                    assertThat(payload.position()).isZero(); // not consumed
                    boolean compress = size >= THRESHOLD && size > 0 && (kind.equals("json") || takeover);
                    assertThat(encoded.rsv()).isEqualTo(compress ? Rsv.RSV1 : 0);
                    byte[] received = compress ? decode(receiver, encoded.payload()) : bytes(encoded.payload());
                    assertThat(received).isEqualTo(message);
                    if (compress && kind.equals("json")) {
                        assertThat(encoded.payload().remaining()).isLessThan(size / 2);
                    }
                }
            }
            if (!takeover) {
                assertThat(pool.balanced()).as("idle connection holds nothing").isTrue();
                assertThat(pair.server().holdsCodec()).isFalse();
            }
        }
        assertThat(pool.out()).containsExactly(0, 0, 0);
    }

    @Test
    void aCompressedPayloadSplitAnywhereDecodesTheSame() {
        Random random = new Random(42);
        byte[] message = json(200_000, 7);
        try (Pair pair = Pair.negotiate(DeflateConfig.DEFAULT)) {
            ByteBuffer compressed =
                    pair.client().encode(true, ByteBuffer.wrap(message)).payload();
            byte[] wire = bytes(compressed);
            for (int round = 0; round < 50; round++) {
                int pieces = 1 + random.nextInt(8);
                int[] cuts =
                        random.ints(pieces - 1, 0, wire.length + 1).sorted().toArray();
                ByteBuffer[] chunks = new ByteBuffer[pieces];
                int from = 0;
                for (int i = 0; i < pieces; i++) {
                    int to = i < pieces - 1 ? cuts[i] : wire.length;
                    // Some chunks direct, as a runtime's read buffer may be.
                    ByteBuffer chunk = random.nextBoolean()
                            ? ByteBuffer.allocate(to - from)
                            : ByteBuffer.allocateDirect(to - from);
                    chunk.put(wire, from, to - from).flip();
                    chunks[i] = chunk;
                    from = to;
                }

                assertThat(decode(pair.server(), chunks)).isEqualTo(message);
                for (ByteBuffer chunk : chunks) {
                    assertThat(chunk.hasRemaining()).as("read fully").isFalse();
                }
            }
        }
    }

    @Test
    void aMessageSplitIntoOneBytePiecesDecodes() {
        byte[] message = json(3000, 3);
        try (Pair pair = Pair.negotiate(DeflateConfig.DEFAULT)) {
            byte[] wire =
                    bytes(pair.server().encode(true, ByteBuffer.wrap(message)).payload());
            ByteBuffer[] chunks = new ByteBuffer[wire.length + 1];
            for (int i = 0; i < wire.length; i++) {
                chunks[i] = ByteBuffer.wrap(wire, i, 1);
            }
            chunks[wire.length] = ByteBuffer.allocate(0);

            assertThat(decode(pair.client(), chunks)).isEqualTo(message);
        }
    }

    @Test
    void contextTakeoverMakesRepeatedMessagesSmallerAndStillDecodes() throws Exception {
        DeflateConfig takeover = DeflateConfig.builder().contextTakeover(true).build();
        byte[] message = json(4000, 5);
        try (Pair pair = Pair.negotiate(takeover)) {
            ByteBuffer first =
                    pair.server().encode(true, ByteBuffer.wrap(message)).payload();
            ByteBuffer second =
                    pair.server().encode(true, ByteBuffer.wrap(message)).payload();

            assertThat(second.remaining()).isLessThan(first.remaining() / 10);
            // A receiver without the first message's window cannot make sense of the second.
            assertThat(inflate(first.duplicate())).isEqualTo(message);
            assertThatThrownBy(() -> inflate(second.duplicate())).isInstanceOf(java.util.zip.DataFormatException.class);
            assertThat(decode(pair.client(), first)).isEqualTo(message);
            assertThat(decode(pair.client(), second)).isEqualTo(message);
        }
    }

    @Test
    void eachDirectionFollowsItsOwnContextTakeover() {
        DeflateConfig serverOnly =
                DeflateConfig.builder().serverContextTakeover(true).build();
        byte[] message = json(4000, 6);
        try (Pair pair = Pair.negotiate(serverOnly)) {
            assertThat(pair.server().sendContextTakeover()).isTrue();
            assertThat(pair.client().receiveContextTakeover()).isTrue();
            assertThat(pair.client().sendContextTakeover()).isFalse();
            assertThat(pair.server().receiveContextTakeover()).isFalse();

            for (int i = 0; i < 3; i++) {
                ByteBuffer down =
                        pair.server().encode(true, ByteBuffer.wrap(message)).payload();
                ByteBuffer up =
                        pair.client().encode(true, ByteBuffer.wrap(message)).payload();
                assertThat(decode(pair.client(), down)).isEqualTo(message);
                assertThat(decode(pair.server(), up)).isEqualTo(message);
            }
            assertThat(pair.server().holdsCodec()).isTrue(); // its deflater
            assertThat(pair.client().holdsCodec()).isTrue(); // its inflater
        }
    }

    @Test
    void aDirectPayloadIsCompressedWithoutBeingConsumed() {
        byte[] message = json(5000, 8);
        ByteBuffer direct =
                ByteBuffer.allocateDirect(message.length).put(message).flip();
        try (Pair pair = Pair.negotiate(DeflateConfig.DEFAULT)) {
            Extension.Encoded encoded = pair.client().encode(false, direct);

            assertThat(direct.remaining()).isEqualTo(message.length);
            assertThat(decode(pair.server(), encoded.payload())).isEqualTo(message);
        }
    }

    @Test
    void readOnlyBuffersWorkBothWays() {
        byte[] message = json(5000, 10);
        try (Pair pair = Pair.negotiate(DeflateConfig.DEFAULT)) {
            ByteBuffer compressed = pair.client()
                    .encode(false, ByteBuffer.wrap(message).asReadOnlyBuffer())
                    .payload();

            assertThat(decode(pair.server(), compressed.asReadOnlyBuffer())).isEqualTo(message);
        }
    }

    @Test
    void aLargeIncompressiblePayloadWithContextTakeoverGrowsTheOutputBuffer() {
        // Random data deflates to slightly more than its size: several scratch chunks' worth.
        byte[] message = random(100_000, 9);
        DeflateConfig takeover = DeflateConfig.builder().contextTakeover(true).build();
        try (Pair pair = Pair.negotiate(takeover)) {
            Extension.Encoded encoded = pair.server().encode(false, ByteBuffer.wrap(message));

            assertThat(encoded.rsv()).isEqualTo(Rsv.RSV1);
            assertThat(encoded.payload().remaining()).isGreaterThan(message.length);
            assertThat(encoded.payload().array()).hasSize(encoded.payload().remaining());
            assertThat(decode(pair.client(), encoded.payload())).isEqualTo(message);
        }
    }
}
