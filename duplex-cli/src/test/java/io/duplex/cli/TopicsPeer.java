package io.duplex.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.ReadyState;
import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.testkit.Await;
import io.duplex.testkit.RecordingHandler;
import java.net.URI;
import java.util.Map;

/**
 * One client of the topics protocol, raw JSON over a {@link WebSocket}, so a test sees every
 * message the server sends, in order, exactly as sent (the Java {@code TopicsClient} would resume
 * and hide them). Messages are read strictly ({@link Json}): numbers come as {@code Double}.
 *
 * <p>Threading: the test thread; the socket's loop only fills the recorder's queue.
 */
final class TopicsPeer implements AutoCloseable {
    final String name;
    private final RecordingHandler recorder;
    private final WebSocket ws;
    private int nextId = 1;

    private TopicsPeer(String name, WebSocket ws, RecordingHandler recorder) {
        this.name = name;
        this.ws = ws;
        this.recorder = recorder;
    }

    static TopicsPeer connect(WebSocketClient client, String name, URI uri) {
        RecordingHandler recorder = new RecordingHandler();
        WebSocket ws = Await.await(client.connect(uri, recorder));
        return new TopicsPeer(name, ws, recorder);
    }

    /** Sends {@code subscribe}, with {@code since} when not null, and returns the request id. */
    int subscribe(String topic, Position since) {
        int id = nextId++;
        String from = since == null
                ? ""
                : ",\"since\":{\"epoch\":\"" + since.epoch() + "\",\"offset\":" + since.offset() + "}";
        ws.send("{\"type\":\"subscribe\",\"id\":" + id + ",\"topic\":\"" + topic + "\"" + from + "}");
        return id;
    }

    /** Sends {@code publish} of {@code {"text": text}} and returns the request id. */
    int publish(String topic, String text) {
        int id = nextId++;
        ws.send("{\"type\":\"publish\",\"id\":" + id + ",\"topic\":\"" + topic + "\",\"data\":{\"text\":\"" + text
                + "\"}}");
        return id;
    }

    /** Sends {@code history} (newest first, at most one) and returns the request id. */
    int history(String topic) {
        int id = nextId++;
        ws.send("{\"type\":\"history\",\"id\":" + id + ",\"topic\":\"" + topic + "\",\"limit\":1,\"reverse\":true}");
        return id;
    }

    int ping() {
        int id = nextId++;
        ws.send("{\"type\":\"ping\",\"id\":" + id + "}");
        return id;
    }

    /** The next message the server sent, waiting at most {@link Await#WAIT}. */
    Map<String, Object> next() {
        return Json.object(Await.poll(recorder.texts));
    }

    /** The next message, which must be of {@code type}. */
    Map<String, Object> next(String type) {
        Map<String, Object> m = next();
        assertThat(m).as("%s: expected a %s", name, type).containsEntry("type", type);
        return m;
    }

    /** Publishes and returns the acknowledged position (the acknowledgement must be the next message). */
    Position publishAcked(String topic, String text) {
        int id = publish(topic, text);
        Map<String, Object> reply = next();
        assertThat(reply)
                .as("%s: acknowledgement of %s", name, text)
                .containsEntry("type", "published")
                .containsEntry("id", (double) id);
        return Position.of(reply.get("position"));
    }

    boolean isOpen() {
        return ws.readyState() == ReadyState.OPEN;
    }

    @Override
    public void close() {
        ws.close();
        Await.await(recorder.closed);
    }

    /** A stream position as the protocol writes it. */
    record Position(String epoch, long offset) {
        @SuppressWarnings("unchecked")
        static Position of(Object json) {
            Map<String, Object> p = (Map<String, Object>) json;
            return new Position((String) p.get("epoch"), ((Double) p.get("offset")).longValue());
        }

        Position next() {
            return new Position(epoch, offset + 1);
        }

        @Override
        public String toString() {
            return offset + "@" + epoch;
        }
    }
}
