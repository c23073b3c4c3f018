package io.duplex.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.Position;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Socket.IO offset a client is given is a stream position; anything else is refused. */
class RecoveryOffsetTest {
    @Test
    void offsetIsThePositionBothWays() {
        Position p = new Position("a1B2-c_3", 42);
        assertThat(RecoveryStream.offsetOf(p)).isEqualTo("a1B2-c_3.42");
        assertThat(RecoveryStream.parseOffset("a1B2-c_3.42")).isEqualTo(p);
        assertThat(RecoveryStream.parseOffset("e.0")).isEqualTo(new Position("e", 0));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                ".",
                "42",
                "e.",
                ".42",
                "e.-1",
                "e.4x",
                "e.١٢",
                "e.99999999999999999999",
                "bad epoch.1",
                "e~.1",
                "1700000000000-0",
                "not an offset \u0000{]"
            })
    void malformedOffsetsAreRefused(String offset) {
        assertThat(RecoveryStream.parseOffset(offset)).isNull();
    }

    @Test
    void namespaceTopicsFitTheTopicGrammar() {
        assertThat(RecoveryStream.topicOf("/")).isEqualTo("sio@/");
        assertThat(RecoveryStream.topicOf("/admin")).isEqualTo("sio@/admin");
        assertThat(RecoveryStream.topicOf("/é space")).startsWith("sio@b64.");
    }
}
