package io.duplex.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.protocol.Event;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ProtocolRecorderTest {

    @Test
    void copiesEventBuffersBecauseTheyAreOnlyValidDuringTheCall() {
        ProtocolRecorder recorder = new ProtocolRecorder();
        byte[] wire = {1, 2, 3, 4};
        ByteBuffer window = ByteBuffer.wrap(wire, 1, 2);
        recorder.onEvent(new Event.Binary(window));
        recorder.onEvent(new Event.Fragment(true, window, false));
        recorder.onEvent(new Event.Ping(window));
        recorder.onEvent(new Event.Pong(window));
        wire[1] = 9; // the engine reuses its read buffer

        ByteBuffer expected = ByteBuffer.wrap(new byte[] {2, 3});
        assertThat(window.position()).isEqualTo(1);
        assertThat(recorder.takeEvent(Event.Binary.class).data()).isEqualTo(expected);
        Event.Fragment fragment = recorder.takeEvent(Event.Fragment.class);
        assertThat(fragment.data()).isEqualTo(expected);
        assertThat(fragment.text()).isTrue();
        assertThat(fragment.last()).isFalse();
        assertThat(recorder.takeEvent()).isEqualTo(new Event.Ping(expected));
        assertThat(recorder.takeEvent()).isEqualTo(new Event.Pong(expected));
        recorder.assertNoMoreEvents();
    }

    @Test
    void recordedBuffersAreReadOnly() {
        ProtocolRecorder recorder = new ProtocolRecorder();
        recorder.onEvent(new Event.Binary(ByteBuffer.allocate(1)));
        assertThat(recorder.takeEvent(Event.Binary.class).data().isReadOnly()).isTrue();
    }

    @Test
    void eventsPeeksAndTakeEventsConsumes() {
        ProtocolRecorder recorder = new ProtocolRecorder();
        Event text = new Event.Text("a");
        Event close = new Event.Close(1000, "", true, null);
        recorder.onEvent(text);
        recorder.onEvent(close);
        assertThat(recorder.events()).containsExactly(text, close);
        assertThat(recorder.events()).containsExactly(text, close);
        assertThat(recorder.takeAll()).containsExactly(text, close);
        assertThat(recorder.takeAll()).isEmpty();
        recorder.close();
    }

    @Test
    void closeFailsWhenEventsAreLeft() {
        ProtocolRecorder recorder = new ProtocolRecorder();
        recorder.onEvent(new Event.Text("forgotten"));
        assertThatThrownBy(recorder::close).isInstanceOf(AssertionError.class).hasMessageContaining("forgotten");
        assertThatThrownBy(recorder::assertNoMoreEvents).isInstanceOf(AssertionError.class);
    }

    @Test
    void takeEventFailsWhenNoneOrOfAnotherType() {
        ProtocolRecorder recorder = new ProtocolRecorder();
        assertThatThrownBy(recorder::takeEvent).isInstanceOf(AssertionError.class);
        recorder.onEvent(new Event.Text("t"));
        assertThatThrownBy(() -> recorder.takeEvent(Event.Binary.class))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Binary");
        recorder.close();
    }

    @Test
    void recordsWrittenBytesWithoutMovingTheBuffers() {
        ProtocolRecorder recorder = new ProtocolRecorder();
        ByteBuffer header = ByteBuffer.wrap(new byte[] {(byte) 0x82, 2});
        ByteBuffer payload = ByteBuffer.wrap(new byte[] {5, 6});
        recorder.write(header, payload);
        assertThat(header.position()).isZero();
        assertThat(payload.position()).isZero();
        recorder.write(ByteBuffer.wrap(new byte[] {(byte) 0x89, 0}), ByteBuffer.allocate(0));

        assertThat(recorder.written()).containsExactly(0x82, 2, 5, 6, 0x89, 0);
        assertThat(recorder.takeWritten()).containsExactly(0x82, 2, 5, 6, 0x89, 0);
        assertThat(recorder.written()).isEmpty();
    }
}
