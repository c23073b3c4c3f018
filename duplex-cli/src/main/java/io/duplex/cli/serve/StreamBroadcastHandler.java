package io.duplex.cli.serve;

import io.duplex.Position;
import io.duplex.PreparedMessage;
import io.duplex.Publication;
import io.duplex.StreamCodec;
import io.duplex.Streams;
import io.duplex.Subscribed;
import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import java.nio.ByteBuffer;
import java.util.function.Supplier;

/**
 * The {@code /bcast} convention of {@link BroadcastHandler} on a stream topic instead of a plain
 * one ({@code duplex serve --echo --bcast-history N}): every message is published through the
 * server's {@link Streams} (an offset assigned, kept in history when N > 0) and reaches every member,
 * the sender included, once. Members are sent each publication's payload as it is — no envelope,
 * so the benchmark's load generator needs no protocol — which measures what positions, history
 * and per-subscriber ordering cost over plain pub/sub, and nothing of a wire format.
 *
 * <p>Threading: callbacks run on the members' event loops, several at once; {@link Streams} is
 * safe from any thread.
 */
final class StreamBroadcastHandler implements WebSocketHandler {
    /** Sends payloads bare, and nothing for the answer or an interruption. */
    private static final StreamCodec BARE = new StreamCodec() {
        @Override
        public PreparedMessage subscribed(Subscribed result) {
            return null;
        }

        @Override
        public PreparedMessage publication(Publication publication) {
            return publication.message();
        }

        @Override
        public PreparedMessage interrupted(String topic, Position current) {
            return null;
        }
    };

    /** The stream topic of the {@code /bcast} group. */
    static final String TOPIC = "bcast";

    private final Supplier<Streams> streams;

    StreamBroadcastHandler(Supplier<Streams> streams) {
        this.streams = streams;
    }

    @Override
    public void onOpen(WebSocket ws) {
        streams.get().subscribe(ws, topic(), null, BARE);
    }

    @Override
    public void onText(WebSocket ws, String text) {
        streams.get().publish(topic(), PreparedMessage.text(text));
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        streams.get().publish(topic(), PreparedMessage.binary(data));
    }

    private static String topic() {
        return TOPIC;
    }
}
