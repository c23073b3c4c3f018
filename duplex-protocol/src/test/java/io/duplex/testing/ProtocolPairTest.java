package io.duplex.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.protocol.CloseCodes;
import io.duplex.protocol.Event;
import io.duplex.protocol.State;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProtocolPairTest {
    private static final ByteBuffer HELLO = ByteBuffer.wrap("Hello".getBytes(StandardCharsets.US_ASCII));

    @Test
    void textAndBinaryBothWays() {
        try (ProtocolPair pair = ProtocolPair.create()) {
            pair.client().sendText("héllo");
            pair.client().sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            pair.server().sendText("wörld");
            pair.server().sendBinary(ByteBuffer.wrap(new byte[300]));
            assertThat(pair.hasPending()).isTrue();
            pair.flush();
            assertThat(pair.hasPending()).isFalse();

            assertThat(pair.serverRecorder().takeAll())
                    .containsExactly(new Event.Text("héllo"), new Event.Binary(ByteBuffer.wrap(new byte[] {1, 2, 3})));
            assertThat(pair.clientRecorder().takeAll())
                    .containsExactly(new Event.Text("wörld"), new Event.Binary(ByteBuffer.wrap(new byte[300])));
        }
    }

    @Test
    void clientMasksAndServerDoesNot() {
        try (ProtocolPair pair =
                ProtocolPair.builder().maskKeys(() -> 0x37fa213d).build()) {
            pair.client().sendText("Hello");
            pair.server().sendText("Hello");
            // RFC 6455 §5.7, both examples.
            assertThat(pair.clientRecorder().written())
                    .isEqualTo(FrameBuilder.text("Hello").masked(0x37fa213d).build());
            assertThat(pair.serverRecorder().written())
                    .isEqualTo(FrameBuilder.text("Hello").build());
            pair.flush();
            pair.clientRecorder().takeEvent(Event.Text.class);
            pair.serverRecorder().takeEvent(Event.Text.class);
        }
    }

    @Test
    void seededMaskKeysRepeatAcrossPairs() {
        byte[] first = wireOfOneMessage(ProtocolPair.create());
        assertThat(wireOfOneMessage(ProtocolPair.create())).isEqualTo(first);
        assertThat(wireOfOneMessage(ProtocolPair.builder().seed(1).build())).isNotEqualTo(first);
    }

    private static byte[] wireOfOneMessage(ProtocolPair pair) {
        pair.client().sendText("same");
        return pair.clientRecorder().written();
    }

    @Test
    void pingIsAnsweredWithAPong() {
        try (ProtocolPair pair = ProtocolPair.create()) {
            pair.client().sendPing(HELLO.duplicate());
            pair.flush();
            assertThat(pair.serverRecorder().takeEvent()).isEqualTo(new Event.Ping(HELLO));
            assertThat(pair.clientRecorder().takeEvent()).isEqualTo(new Event.Pong(HELLO));
        }
    }

    @Test
    void closeHandshakeStartedByTheClient() {
        try (ProtocolPair pair = ProtocolPair.create()) {
            pair.client().sendClose(CloseCodes.NORMAL, "bye");
            assertThat(pair.client().state()).isEqualTo(State.CLOSING);
            pair.flush();

            assertThat(pair.serverRecorder().takeEvent())
                    .isEqualTo(new Event.Close(CloseCodes.NORMAL, "bye", true, null));
            assertThat(pair.clientRecorder().takeEvent(Event.Close.class).code())
                    .isEqualTo(CloseCodes.NORMAL);
            assertThat(pair.client().state()).isEqualTo(State.CLOSED);
            assertThat(pair.server().state()).isEqualTo(State.CLOSED);
            // RFC 6455 §7.1.1: the server closes TCP first.
            assertThat(pair.server().shouldCloseTransport()).isTrue();
        }
    }

    @Test
    void splitReadsOneByteAtATime() {
        try (ProtocolPair pair = ProtocolPair.builder().chunkSize(1).build()) {
            pair.client().sendBinary(ByteBuffer.wrap(new byte[70_000]));
            pair.client().sendText("after");
            assertThat(pair.deliverToServer()).isEqualTo(10 + 4 + 70_000 + 2 + 4 + 5);
            assertThat(pair.serverRecorder().takeAll())
                    .containsExactly(new Event.Binary(ByteBuffer.wrap(new byte[70_000])), new Event.Text("after"));
            assertThat(pair.deliverToClient()).isZero();
        }
    }

    @Test
    void disconnectWithoutHandshakeIsAbnormal() {
        try (ProtocolPair pair = ProtocolPair.create()) {
            pair.disconnect();
            assertThat(pair.clientRecorder().takeEvent(Event.Close.class).code())
                    .isEqualTo(CloseCodes.ABNORMAL);
            assertThat(pair.serverRecorder().takeEvent(Event.Close.class).clean())
                    .isFalse();
        }
    }

    @Test
    void closeNamesTheSideWithEventsLeft() {
        ProtocolPair pair = ProtocolPair.create();
        pair.client().sendText("unread");
        pair.flush();
        assertThatThrownBy(pair::close).isInstanceOf(AssertionError.class).hasMessageStartingWith("server: ");

        ProtocolPair other = ProtocolPair.create();
        other.server().sendText("unread");
        other.flush();
        assertThatThrownBy(other::close).isInstanceOf(AssertionError.class).hasMessageStartingWith("client: ");
    }

    @Test
    void chunkSizeMustBePositive() {
        assertThatThrownBy(() -> ProtocolPair.builder().chunkSize(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
