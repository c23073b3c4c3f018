package io.duplex.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.PreparedMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The messages between nodes for broadcasts with acks: JSON by Jackson, binary beside it. */
class AckMessageTest {

    static String json(PreparedMessage m) {
        return StandardCharsets.UTF_8.decode(m.payload()).toString();
    }

    @Test
    void eachKindRoundTripsWithItsBinary() throws Exception {
        AckMessage.Request request = new AckMessage.Request(
                "s.1",
                "s",
                Set.of("r"),
                Set.of("x"),
                SioCodec.JSON.readTree("[\"ev\",{\"_placeholder\":true,\"num\":0}]"),
                List.of(new byte[] {0, (byte) 255}),
                500);
        PreparedMessage encoded = AckMessage.encode(request);
        assertThat(json(encoded)).startsWith("{\"t\":\"request\",");
        AckMessage.Request back = (AckMessage.Request) AckMessage.decode(encoded);
        assertThat(back.data()).isEqualTo(request.data());
        assertThat(back.attachments()).containsExactly(new byte[] {0, (byte) 255});
        assertThat(back.rooms()).isEqualTo(Set.of("r"));
        assertThat(back.except()).isEqualTo(Set.of("x"));
        assertThat(back.timeoutMillis()).isEqualTo(500);

        assertThat(AckMessage.decode(AckMessage.encode(new AckMessage.Count("s.1", "n", 0))))
                .isEqualTo(new AckMessage.Count("s.1", "n", 0));

        AckMessage.Answer answer = (AckMessage.Answer) AckMessage.decode(AckMessage.encode(new AckMessage.Answer(
                "s.1", SioCodec.JSON.readTree("{\"_placeholder\":true,\"num\":0}"), List.of(new byte[] {9}))));
        assertThat(SioCodec.value(answer.value(), answer.attachments())).isEqualTo(new byte[] {9});
        AckMessage.Answer none =
                (AckMessage.Answer) AckMessage.decode(AckMessage.encode(new AckMessage.Answer("s.1", null, List.of())));
        assertThat(SioCodec.value(none.value(), none.attachments())).isNull();
    }

    @Test
    void whatIsNotAMessageDecodesAsNull() {
        for (String bad : List.of(
                "not json",
                "{\"t\":\"unknown\",\"request\":\"r\"}",
                "{\"t\":\"count\",\"count\":1}",
                "{\"t\":\"request\",\"request\":\"r\",\"from\":\"s\"}",
                "[1,2]")) {
            assertThat(AckMessage.decode(PreparedMessage.text(bad))).as(bad).isNull();
        }
    }
}
