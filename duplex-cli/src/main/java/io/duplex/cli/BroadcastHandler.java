package io.duplex.cli;

import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The benchmark peers' {@code /bcast} convention: every message received from any member is sent,
 * with the same type, to every member currently open — the sender included, once.
 *
 * <p>Threading: callbacks run on the members' event loops, several at once; the member set is
 * concurrent and {@link WebSocket#send} is safe from any thread.
 */
final class BroadcastHandler implements WebSocketHandler {
    private final Set<WebSocket> members = ConcurrentHashMap.newKeySet();

    /** The connections currently open on this route. */
    int size() {
        return members.size();
    }

    @Override
    public void onOpen(WebSocket ws) {
        members.add(ws);
    }

    @Override
    public void onText(WebSocket ws, String text) {
        for (WebSocket member : members) {
            member.send(text);
        }
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        for (WebSocket member : members) {
            // send() on the loop may consume the buffer it is given: each member gets its own view.
            member.send(data.duplicate());
        }
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
        members.remove(ws);
    }
}
