package io.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.frame.Violation;
import io.duplex.testing.FrameBuilder;
import io.duplex.testing.Hex;
import io.duplex.testing.ProtocolRecorder;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Engines that borrow their receive state from a {@link ReaderPool} for each receive call. */
class ReaderPoolTest {

    private static Protocol server(ProtocolRecorder r, ReaderPool pool) {
        return Protocol.builder(Role.SERVER).events(r).output(r).readers(pool).build();
    }

    private static ByteBuffer masked(FrameBuilder frame) {
        return ByteBuffer.wrap(frame.masked(Hex.MASK_KEY).build());
    }

    @Test
    void anEngineBetweenMessagesHoldsNoReader() {
        ReaderPool pool = new ReaderPool(4);
        try (ProtocolRecorder r = new ProtocolRecorder()) {
            Protocol p = server(r, pool);
            assertThat(pool.idle()).isZero(); // nothing borrowed before bytes arrive
            p.receive(masked(FrameBuilder.text("one")));
            assertThat(r.takeEvents()).containsExactly("text:one");
            assertThat(pool.idle()).isEqualTo(1);
            assertThat(p.receivingMessage()).isFalse();
            p.receive(masked(FrameBuilder.text("two")));
            assertThat(r.takeEvents()).containsExactly("text:two");
            assertThat(pool.idle()).isEqualTo(1); // the same reader, taken and given back
        }
    }

    @Test
    void aSplitMessageKeepsItsReaderWhileOtherEnginesUseTheirs() {
        ReaderPool pool = new ReaderPool(4);
        try (ProtocolRecorder a = new ProtocolRecorder();
                ProtocolRecorder b = new ProtocolRecorder()) {
            Protocol pa = server(a, pool);
            Protocol pb = server(b, pool);
            byte[] first = FrameBuilder.text("héllo, ").fin(false).masked(7).build();
            byte[] last = FrameBuilder.continuation("wörld").masked(9).build();
            // A: the first fragment and half of the continuation's header and payload.
            pa.receive(ByteBuffer.wrap(first));
            pa.receive(ByteBuffer.wrap(Arrays.copyOf(last, 5)));
            assertThat(pa.receivingMessage()).isTrue();
            assertThat(pool.idle()).isZero();
            // B, in between, with a message split inside a UTF-8 sequence of its own.
            byte[] whole = FrameBuilder.text("ünïcode").masked(3).build();
            pb.receive(ByteBuffer.wrap(whole, 0, 4));
            pb.receive(ByteBuffer.wrap(whole, 4, whole.length - 4));
            assertThat(b.takeEvents()).containsExactly("text:ünïcode");
            assertThat(pool.idle()).isEqualTo(1);
            // A's message ends in its own reader, untouched by B's.
            pa.receive(ByteBuffer.wrap(last, 5, last.length - 5));
            assertThat(a.takeEvents()).containsExactly("text:héllo, wörld");
            assertThat(pool.idle()).isEqualTo(2);
        }
    }

    @Test
    void aReaderGivenBackAfterAViolationServesTheNextEngineFromScratch() {
        ReaderPool pool = new ReaderPool(1);
        try (ProtocolRecorder a = new ProtocolRecorder();
                ProtocolRecorder b = new ProtocolRecorder()) {
            Protocol pa = server(a, pool);
            pa.receive(masked(FrameBuilder.text("ab").fin(false)));
            assertThat(pool.idle()).isZero(); // a fragmented message keeps its reader
            // RFC 6455 §5.4: a new data message inside a fragmented one fails the connection,
            // with the reader mid-message; nothing more will be read, so it goes back.
            pa.receive(masked(FrameBuilder.text("cd")));
            a.assertFailed(Role.SERVER, Violation.NEW_MESSAGE_INSIDE_FRAGMENTED);
            assertThat(pool.idle()).isEqualTo(1);
            // B, a client, on the same reader: no message in progress, and server frames unmasked.
            Protocol pb = Protocol.builder(Role.CLIENT)
                    .events(b)
                    .output(b)
                    .readers(pool)
                    .build();
            pb.receive(ByteBuffer.wrap(FrameBuilder.binary(new byte[] {1, 2}).build()));
            assertThat(b.takeEvents()).containsExactly("binary[2]:01 02");
            pb.receive(ByteBuffer.wrap(FrameBuilder.continuation("x").build()));
            b.assertFailed(Role.CLIENT, Violation.CONTINUATION_WITHOUT_START);
        }
    }

    @Test
    void aLocallyFailedEngineReadsNothingMoreThoughItHoldsNoReader() {
        ReaderPool pool = new ReaderPool(2);
        try (ProtocolRecorder r = new ProtocolRecorder()) {
            Protocol p = server(r, pool);
            p.fail(CloseCodes.POLICY_VIOLATION, "slow consumer");
            assertThat(r.takeEvents()).containsExactly("close:1008,slow consumer,false,null");
            r.takeWritten();
            ByteBuffer more = masked(FrameBuilder.text("late"));
            p.receive(more);
            assertThat(more.hasRemaining()).isFalse(); // consumed and discarded
            r.assertDone();
            assertThat(pool.idle()).isZero(); // not even borrowed
        }
    }

    @Test
    void aPoolKeepsAtMostItsCapacity() {
        ReaderPool pool = new ReaderPool(1);
        try (ProtocolRecorder a = new ProtocolRecorder();
                ProtocolRecorder b = new ProtocolRecorder()) {
            Protocol pa = server(a, pool);
            Protocol pb = server(b, pool);
            byte[] fa = FrameBuilder.binary(new byte[] {1, 2, 3}).masked(1).build();
            byte[] fb = FrameBuilder.binary(new byte[] {4, 5, 6}).masked(2).build();
            pa.receive(ByteBuffer.wrap(fa, 0, 3));
            pb.receive(ByteBuffer.wrap(fb, 0, 3)); // two readers out at once
            pa.receive(ByteBuffer.wrap(fa, 3, fa.length - 3));
            pb.receive(ByteBuffer.wrap(fb, 3, fb.length - 3));
            assertThat(a.takeEvents()).containsExactly("binary[3]:01 02 03");
            assertThat(b.takeEvents()).containsExactly("binary[3]:04 05 06");
            assertThat(pool.idle()).isEqualTo(1);
        }
        assertThatThrownBy(() -> new ReaderPool(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void textFromADirectBufferIsDecodedWhateverItsSize() {
        ReaderPool pool = new ReaderPool(1);
        try (ProtocolRecorder r = new ProtocolRecorder()) {
            Protocol p = server(r, pool);
            String small = "héllo ".repeat(10);
            String large = "wörld ".repeat(2_000); // beyond the reader's decode scratch
            for (String text : new String[] {small, large, small}) {
                byte[] frame = FrameBuilder.text(text).masked(11).build();
                ByteBuffer direct =
                        ByteBuffer.allocateDirect(frame.length).put(frame).flip();
                p.receive(direct);
                assertThat(r.takeEvents()).containsExactly("text:" + text);
            }
        }
    }

    @Test
    void withoutAPoolAnEngineKeepsItsOwnReaderAndReadsTheSame() {
        ReaderPool pool = new ReaderPool(1);
        try (ProtocolRecorder own = new ProtocolRecorder();
                ProtocolRecorder pooled = new ProtocolRecorder()) {
            Protocol p1 = Protocol.builder(Role.SERVER).events(own).output(own).build();
            Protocol p2 = server(pooled, pool);
            byte[] wire = concat(
                    FrameBuilder.text("a").fin(false).masked(1).build(),
                    FrameBuilder.ping(new byte[] {9}).masked(2).build(),
                    FrameBuilder.continuation("b").masked(3).build(),
                    FrameBuilder.binary(new byte[300]).masked(4).build());
            byte[] copy = wire.clone(); // each engine unmasks its input in place
            for (int i = 0; i < wire.length; i += 7) {
                int n = Math.min(7, wire.length - i);
                p1.receive(ByteBuffer.wrap(wire, i, n));
                p2.receive(ByteBuffer.wrap(copy, i, n));
            }
            assertThat(own.takeEvents()).isEqualTo(pooled.takeEvents()).hasSize(3);
        }
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer all = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            all.put(p);
        }
        return all.array();
    }
}
