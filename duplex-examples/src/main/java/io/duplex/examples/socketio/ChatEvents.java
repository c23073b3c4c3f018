package io.duplex.examples.socketio;

import io.duplex.socketio.Ack;
import io.duplex.socketio.Namespace;
import io.duplex.socketio.SioSocket;
import java.time.InstantSource;
import java.util.List;

/**
 * The chat's events on each connected socket of the main namespace:
 *
 * <ul>
 *   <li>{@code join(room, ack)}: leaves the room it was in, joins {@code room} and answers {@link
 *       Wire.Joined} (the member count, the recent messages), or {@link Wire.Failure};
 *   <li>{@code message(text, ack)}: stored in the room's {@link RoomLog}, sent to the others in
 *       the room ({@code socket.to(room).emit}) and answered {@link Wire.Sent} with the stored
 *       message; a text too long, empty, or sent outside a room is answered {@link Wire.Failure},
 *       never dropped in silence;
 *   <li>{@code typing()}: {@link Wire.Typing} to the others in the room, not stored;
 *   <li>each join, leave and disconnect sends the room's new {@link Wire.Members} count to it.
 * </ul>
 *
 * <p>The socket's {@code data} holds its {@code nick} (from {@link NickCheck}) and its {@code
 * room}: with connection state recovery a recovered socket gets them back with its rooms, and this
 * listener, run again for it, only sends the room its count again.
 *
 * <p>Threading: safe from any thread. Each socket's handlers run on its session queue; different
 * sockets' handlers run at once, so what rooms share goes through their {@link RoomLog}'s lock.
 */
final class ChatEvents {
    static final int MAX_TEXT = 2_000;

    private final Namespace nsp;
    private final RoomLogs logs;
    private final InstantSource clock;

    ChatEvents(Namespace nsp, RoomLogs logs, InstantSource clock) {
        this.nsp = nsp;
        this.logs = logs;
        this.clock = clock;
    }

    /** The namespace's connection listener. */
    void connected(SioSocket socket) {
        socket.on("join", (args, ack) -> join(socket, first(args), ack));
        socket.on("message", (args, ack) -> message(socket, first(args), ack));
        socket.on("typing", (args, ack) -> typing(socket));
        socket.onDisconnect(reason -> {
            // The socket has already left its rooms here: the count is of those who stay.
            String room = room(socket);
            if (room != null) {
                announceMembers(room);
            }
        });
        String room = room(socket);
        if (socket.recovered() && room != null) {
            announceMembers(room); // back in its room: the others' count had dropped it
        }
    }

    private void join(SioSocket socket, Object given, Ack ack) {
        if (!(given instanceof String room) || !RoomLogs.ROOM.matcher(room).matches()) {
            answer(ack, new Wire.Failure("A room name has 1 to 32 characters: a-z, 0-9 and -."));
            return;
        }
        RoomLog log = logs.open(room);
        if (log == null) {
            answer(ack, new Wire.Failure("Too many rooms on this server: join an existing one."));
            return;
        }
        String previous = room(socket);
        if (previous != null && !previous.equals(room)) {
            socket.leave(previous);
            announceMembers(previous);
        }
        socket.data().put("room", room);
        socket.join(room);
        int members = announceMembers(room);
        answer(ack, new Wire.Joined(room, members, log.recent()));
    }

    private void message(SioSocket socket, Object given, Ack ack) {
        String room = room(socket);
        if (room == null) {
            answer(ack, new Wire.Failure("Join a room first."));
            return;
        }
        if (!(given instanceof String raw) || raw.isBlank()) {
            answer(ack, new Wire.Failure("Say something: the message is empty."));
            return;
        }
        String text = raw.strip();
        if (text.length() > MAX_TEXT) {
            answer(
                    ack,
                    new Wire.Failure("Message too long: " + text.length() + " characters, at most " + MAX_TEXT + "."));
            return;
        }
        String nick = (String) socket.data().get("nick");
        Wire.Message m = logs.open(room).append(logs.nextId(), nick, text, clock.millis(), stored -> socket.to(room)
                .emit("message", stored));
        answer(ack, new Wire.Sent(m));
    }

    private void typing(SioSocket socket) {
        // Socket.IO's volatile emit would suit a typing notice; duplex-socketio has none, so this
        // is a plain emit (with recovery on, a page that comes back may see a stale notice, which
        // it clears after a few seconds anyway).
        String room = room(socket);
        if (room != null) {
            socket.to(room)
                    .emit("typing", new Wire.Typing((String) socket.data().get("nick")));
        }
    }

    /**
     * Sends {@code room} its member count and returns it. Counted and sent under the room's lock,
     * so that of two joins at once the later count is also the later event.
     */
    private int announceMembers(String room) {
        RoomLog log = logs.open(room);
        if (log == null) {
            return 0;
        }
        return log.locked(() -> {
            // The sockets of this node: the demo runs on one.
            int count = nsp.to(room).sockets().size();
            nsp.to(room).emit("members", new Wire.Members(room, count));
            return count;
        });
    }

    private static String room(SioSocket socket) {
        return socket.data().get("room") instanceof String room ? room : null;
    }

    private static Object first(List<Object> args) {
        return args.isEmpty() ? null : args.get(0);
    }

    /** A page that asked for no acknowledgement gets none (and so no error either). */
    private static void answer(Ack ack, Object reply) {
        if (ack != null) {
            ack.send(reply);
        }
    }
}
