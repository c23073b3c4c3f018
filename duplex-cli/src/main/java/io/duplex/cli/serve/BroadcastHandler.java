package io.duplex.cli.serve;

import io.duplex.PreparedMessage;
import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import java.nio.ByteBuffer;

/**
 * The benchmark peers' {@code /bcast} convention: every message received from any member is sent,
 * with the same type, to every member currently open — the sender included, once. Members are
 * subscribers of one topic of the server's broker, so each message is framed (and compressed)
 * once and written to each loop's subscribers in one pass; a closed socket leaves the topic by
 * itself.
 *
 * <p>Threading: callbacks run on the members' event loops, several at once; the broker and
 * {@link WebSocket#send} are safe from any thread.
 */
final class BroadcastHandler implements WebSocketHandler {
    /** The broker topic of the {@code /bcast} group. */
    static final String TOPIC = "/bcast";

    private final String topic;

    BroadcastHandler() {
        this(TOPIC);
    }

    /** A broadcast group on its own broker topic (e.g. {@code serve --broadcast} on every path). */
    BroadcastHandler(String topic) {
        this.topic = topic;
    }

    @Override
    public void onOpen(WebSocket ws) {
        ws.subscribe(topic);
    }

    @Override
    public void onText(WebSocket ws, String text) {
        broadcast(ws, PreparedMessage.text(text));
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        broadcast(ws, PreparedMessage.binary(data));
    }

    /** {@link WebSocket#publish} skips the publisher, as in uWebSockets: add the sender's copy. */
    private void broadcast(WebSocket sender, PreparedMessage message) {
        sender.publish(topic, message);
        sender.send(message);
    }
}
