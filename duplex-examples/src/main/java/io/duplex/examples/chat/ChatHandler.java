package io.duplex.examples.chat;

import io.duplex.ReadyState;
import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.HexFormat;

/**
 * The {@code /chat} endpoint: one {@link Session} per connection, every inbound message admitted
 * by the rate limit, parsed and validated ({@link ClientMessage}), then carried out on its room.
 * A bad message is answered with an {@code error} and the connection stays open; only persistent
 * rate-limit abuse closes it (1008).
 *
 * <p>Threading: one instance serves every connection; it keeps no per-connection state of its own
 * (that is the {@link Session} attached to the socket). Callbacks for one connection never overlap;
 * they run on the server's handler pool (see {@link ChatServer}) and never block. A join finishes
 * on the presence engine's thread once the nick is known to be free ({@link #join}); the room's
 * lock and the session's volatile fields make that safe against the connection's next callbacks.
 */
final class ChatHandler implements WebSocketHandler {
    /** Close code for a connection whose session was resumed by a newer one (private range, RFC 6455 §7.4.2). */
    static final int REPLACED = 4001;

    private final Rooms rooms;
    private final ChatStreams streams;
    private final ChatPresence presence;
    private final Metrics metrics;
    private final InstantSource clock;
    private final int historySize;
    private final SecureRandom random = new SecureRandom();

    ChatHandler(
            Rooms rooms,
            ChatStreams streams,
            ChatPresence presence,
            Metrics metrics,
            InstantSource clock,
            int historySize) {
        this.rooms = rooms;
        this.streams = streams;
        this.presence = presence;
        this.metrics = metrics;
        this.clock = clock;
        this.historySize = historySize;
    }

    @Override
    public void onOpen(WebSocket ws) {
        Session s = new Session(newSessionId(), ws, clock);
        ws.attach(s);
        ws.send(ServerMessages.welcome(s.id, historySize));
    }

    @Override
    public void onText(WebSocket ws, String text) {
        Session s = ws.attachment();
        if (!admitted(s)) {
            return;
        }
        try {
            carryOut(s, ClientMessage.parse(text));
        } catch (ChatException e) {
            ws.send(ServerMessages.error(e.code(), e.getMessage()));
        }
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        if (admitted(ws.attachment())) {
            ws.send(ServerMessages.error(ErrorCode.BINARY_NOT_SUPPORTED, "send JSON text messages"));
        }
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
        Session s = ws.attachment();
        Room room = s.room();
        if (room != null) {
            room.leave(s);
        }
    }

    private boolean admitted(Session s) {
        return switch (s.admit()) {
            case ACCEPT -> true;
            case REJECT -> {
                s.ws.send(ServerMessages.error(ErrorCode.RATE_LIMITED, "slow down: at most 5 messages a second"));
                yield false;
            }
            case CLOSE -> {
                s.ws.close(1008, "rate limit exceeded"); // RFC 6455 §7.4.1: policy violation
                yield false;
            }
        };
    }

    private void carryOut(Session s, ClientMessage message) throws ChatException {
        // Java 17: no pattern matching in switch yet, so an instanceof chain over the sealed type.
        if (message instanceof ClientMessage.Join join) {
            join(s, join);
        } else if (message instanceof ClientMessage.Say say) {
            roomOf(s).say(s, say.text(), clock.millis());
            metrics.messageSaid();
        } else if (message instanceof ClientMessage.Typing) {
            roomOf(s).typing(s);
        } else if (message instanceof ClientMessage.Reload) {
            streams.sendNewest(s.ws, roomOf(s).name);
        } else {
            Room room = roomOf(s);
            String nick = s.nick();
            if (nick == null || !room.leave(s)) {
                throw new ChatException(ErrorCode.NOT_JOINED, "join a room first");
            }
            s.ws.send(ServerMessages.left(room.name, nick));
        }
    }

    private void join(Session s, ClientMessage.Join join) throws ChatException {
        Room current = s.room();
        if (current != null && !(current.name.equals(join.room()) && join.nick().equals(s.nick()))) {
            // Moving to another room (or renaming): leave first, so the session is in one room.
            String nick = s.nick();
            if (nick != null && current.leave(s)) {
                s.ws.send(ServerMessages.left(current.name, nick));
            }
        }
        streams.checkReady(); // before anything is asked: the presence below needs the streams too
        // The nick must be free on every instance, not just here: presence knows them all. The
        // answer comes on the engine's thread; a newer join of this connection supersedes it.
        long attempt = s.joinAttempt();
        String resumedTag = join.resume() == null ? null : Session.tagOf(join.resume());
        presence.holders(join.room(), join.nick()).whenComplete((holders, e) -> {
            if (!s.isJoinAttempt(attempt) || s.ws.readyState() != ReadyState.OPEN) {
                return;
            }
            try {
                if (e != null) {
                    throw new ChatException(ErrorCode.UNAVAILABLE, "the room's members are unavailable; try again");
                }
                if (ChatPresence.takenByOther(holders, s.tag, resumedTag)) {
                    throw new ChatException(ErrorCode.NICK_TAKEN, "someone in this room is already called that");
                }
                rooms.join(join.room(), s, join.nick(), join.resume(), resumedTag, join.since(), clock.millis());
            } catch (ChatException refused) {
                s.ws.send(ServerMessages.error(refused.code(), refused.getMessage()));
            }
        });
    }

    private static Room roomOf(Session s) throws ChatException {
        Room room = s.room();
        if (room == null) {
            throw new ChatException(ErrorCode.NOT_JOINED, "join a room first");
        }
        return room;
    }

    private String newSessionId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
