package io.duplex.topics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.testkit.Await;
import io.duplex.testkit.RecordingHandler;
import java.net.URI;

/** A test client of the topics protocol on the Duplex client: sends JSON, reads replies as trees. */
final class Peer {
    /** A reader independent of the module's own configuration. */
    static final ObjectMapper JSON = new ObjectMapper();

    final RecordingHandler recorder;
    final WebSocket ws;

    private Peer(RecordingHandler recorder, WebSocket ws) {
        this.recorder = recorder;
        this.ws = ws;
    }

    static Peer connect(WebSocketClient client, URI uri) {
        RecordingHandler recorder = new RecordingHandler();
        return new Peer(recorder, Await.await(client.connect(uri, recorder)));
    }

    void send(String json) {
        ws.send(json);
    }

    /** The next message as text. */
    String nextText() {
        return recorder.nextText();
    }

    /** The next message, which must be of {@code type}. */
    JsonNode next(String type) {
        String text = recorder.nextText();
        JsonNode m = parse(text);
        assertThat(m.path("type").asText()).as(text).isEqualTo(type);
        return m;
    }

    /** The next message, which must be an error with {@code error}'s name and code. */
    JsonNode error(io.duplex.StreamError error) {
        JsonNode m = next("error");
        assertThat(m.path("error").asText()).as(m.toString()).isEqualTo(error.name());
        assertThat(m.path("code").asInt()).isEqualTo(error.code());
        assertThat(m.path("message").asText()).isNotEmpty();
        return m;
    }

    /** A ping answered: the connection is open and every earlier reply was read. */
    void assertAlive() {
        send("{\"type\":\"ping\",\"id\":\"alive\"}");
        assertThat(next("pong").path("id").asText()).isEqualTo("alive");
        assertThat(recorder.closed).isNotDone();
    }

    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AssertionError("the server sent no JSON: " + text, e);
        }
    }
}
