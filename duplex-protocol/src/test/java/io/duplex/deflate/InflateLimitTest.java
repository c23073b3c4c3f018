package io.duplex.deflate;

import static io.duplex.deflate.DeflateTesting.bytes;
import static io.duplex.deflate.DeflateTesting.decode;
import static io.duplex.deflate.DeflateTesting.hex;
import static io.duplex.deflate.DeflateTesting.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.deflate.DeflateTesting.CountingPool;
import io.duplex.deflate.DeflateTesting.Pair;
import io.duplex.frame.ProtocolViolationException;
import io.duplex.frame.Violation;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Inflation is capped while it runs; bad data is a 1007; codecs go back on every path. */
class InflateLimitTest {

    private static final int MiB = 1024 * 1024;

    private final CountingPool pool = new CountingPool();
    private Pair pair;
    private Pair takeoverPair;

    @BeforeEach
    void negotiate() {
        DeflateConfig config = DeflateConfig.builder().pool(pool).build();
        pair = Pair.negotiate(config);
        takeoverPair = Pair.negotiate(config.toBuilder().contextTakeover(true).build());
    }

    @AfterEach
    void everythingWentBack() {
        pair.close();
        takeoverPair.close();
        assertThat(pool.out()).as("deflaters, inflaters, chunks out").containsExactly(0, 0, 0);
    }

    private static ByteBuffer bomb(int zeros) {
        return PerMessageDeflate.compressOnce(ByteBuffer.allocate(zeros), 9).payload();
    }

    @Test
    void aBombStopsAtTheLimitWithoutInflatingTheRest() {
        ByteBuffer bomb = bomb(10 * MiB);
        assertThat(bomb.remaining()).isLessThan(16 * 1024);
        AtomicLong delivered = new AtomicLong();

        assertThatThrownBy(() -> pair.server().decode(bomb, true, MiB, b -> delivered.addAndGet(b.remaining())))
                .isInstanceOfSatisfying(ProtocolViolationException.class, e -> assertThat(e.violation())
                        .isEqualTo(Violation.MESSAGE_TOO_BIG));

        assertThat(delivered.get()).isLessThanOrEqualTo(MiB);
        assertThat(pool.inflatersOut).isZero();
    }

    @Test
    void aBombSplitAcrossCallsIsStoppedByTheRemainingLimitOfEachCall() {
        byte[] bomb = bytes(bomb(10 * MiB));
        AtomicLong delivered = new AtomicLong();
        int half = bomb.length / 2;

        assertThatThrownBy(() -> {
                    pair.client()
                            .decode(
                                    ByteBuffer.wrap(bomb, 0, half),
                                    false,
                                    MiB,
                                    b -> delivered.addAndGet(b.remaining()));
                    pair.client()
                            .decode(
                                    ByteBuffer.wrap(bomb, half, bomb.length - half),
                                    true,
                                    MiB - delivered.get(),
                                    b -> delivered.addAndGet(b.remaining()));
                })
                .isInstanceOfSatisfying(ProtocolViolationException.class, e -> assertThat(e.violation())
                        .isEqualTo(Violation.MESSAGE_TOO_BIG));
        assertThat(delivered.get()).isLessThanOrEqualTo(MiB);
    }

    @Test
    void aMessageOfExactlyTheLimitPassesAndOneByteMoreDoesNot() {
        byte[] message = json(5000, 1);
        ByteBuffer compressed =
                pair.client().encode(true, ByteBuffer.wrap(message)).payload();

        assertThat(decode(pair.server(), message.length, compressed.duplicate()))
                .isEqualTo(message);
        assertThatThrownBy(() -> decode(pair.server(), message.length - 1, compressed.duplicate()))
                .isInstanceOfSatisfying(ProtocolViolationException.class, e -> assertThat(e.violation())
                        .isEqualTo(Violation.MESSAGE_TOO_BIG));
        // The connection's next message is unaffected.
        assertThat(decode(pair.server(), compressed.duplicate())).isEqualTo(message);
    }

    @Test
    void aNegativeLimitAllowsNothing() {
        assertThatThrownBy(() -> pair.server().decode(hex("f2 48 cd c9 c9 07 00"), true, -5, b -> {}))
                .isInstanceOfSatisfying(ProtocolViolationException.class, e -> assertThat(e.violation())
                        .isEqualTo(Violation.MESSAGE_TOO_BIG));
        assertThat(decode(pair.server(), 0, hex("00"))).isEmpty();
    }

    @Test
    void invalidCompressedDataIs1007() {
        // BTYPE 11 is reserved (RFC 1951 §3.2.3).
        assertThatThrownBy(() -> decode(pair.server(), hex("ff ff ff ff")))
                .isInstanceOfSatisfying(ProtocolViolationException.class, e -> {
                    assertThat(e.violation()).isEqualTo(Violation.INVALID_COMPRESSED_DATA);
                    assertThat(e.violation().closeCode()).isEqualTo(1007);
                });
        assertThat(pool.inflatersOut).isZero();
    }

    @Test
    void invalidDataFoundOnlyWhenTheTailIsAppendedIs1007() {
        // A stored block announcing 5 bytes, then the message ends: the appended tail does not
        // complete it consistently (its LEN/NLEN pair then mismatches).
        assertThatThrownBy(() -> decode(pair.client(), hex("00 05 00")))
                .isInstanceOfSatisfying(ProtocolViolationException.class, e -> assertThat(e.violation())
                        .isEqualTo(Violation.INVALID_COMPRESSED_DATA));
        assertThat(pool.inflatersOut).isZero();
    }

    @Test
    void aSinkThatRefusesStopsDecodingAndTheInflaterGoesBack() {
        ByteBuffer compressed =
                pair.client().encode(true, ByteBuffer.wrap(json(50_000, 2))).payload();
        ProtocolViolationException refusal = new ProtocolViolationException(Violation.INVALID_UTF8);

        assertThatThrownBy(() -> pair.server().decode(compressed.duplicate(), false, MiB, b -> {
                    throw refusal;
                }))
                .isSameAs(refusal);
        assertThat(pool.inflatersOut).isZero();
        assertThat(pool.chunksOut).isZero();
    }

    @Test
    void aMessageLeftUnfinishedIsReturnedOnClose() {
        ByteBuffer compressed =
                pair.client().encode(true, ByteBuffer.wrap(json(5000, 3))).payload();

        pair.server().decode(compressed, false, MiB, b -> {});
        assertThat(pool.inflatersOut).isEqualTo(1);
        assertThat(pair.server().holdsCodec()).isTrue();
        pair.server().close();

        assertThat(pool.inflatersOut).isZero();
    }

    @Test
    void withContextTakeoverErrorsReturnTheConnectionsInflaterToo() {
        assertThatThrownBy(() -> decode(takeoverPair.server(), hex("ff ff")))
                .isInstanceOf(ProtocolViolationException.class);
        assertThat(pool.inflatersOut).isZero();
    }

    @Test
    void withContextTakeoverAStreamEndedWithBfinalStartsAfresh() {
        // RFC 7692 §7.2.3.4: no window survives a final block.
        assertThat(decode(takeoverPair.client(), hex("f3 48 cd c9 c9 07 00 00")))
                .containsExactly("Hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(pool.inflatersOut).isZero();
        assertThat(decode(takeoverPair.client(), hex("f3 48 cd c9 c9 07 00"), hex("00 01 02")))
                .containsExactly("Hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(decode(takeoverPair.client(), hex("f2 48 cd c9 c9 07 00")))
                .containsExactly("Hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(pool.inflatersOut).isEqualTo(1); // kept for the connection
    }

    @Test
    void aClosedExtensionRefusesWork() {
        pair.server().close();

        assertThatThrownBy(() -> pair.server().encode(true, ByteBuffer.allocate(2000)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> pair.server().decode(hex("00"), true, 10, b -> {}))
                .isInstanceOf(IllegalStateException.class);
    }
}
