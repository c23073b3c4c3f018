package io.duplex.cli.serve;

import io.duplex.socketio.SocketIoServer;

/**
 * {@code duplex serve --socketio}: a Socket.IO echo server on the default path. Every event goes
 * back to its sender with the same arguments; an event sent with an acknowledgement is answered by
 * the acknowledgement with the same arguments instead.
 *
 * <p>Threading: the handlers run on each socket's session queue (see {@code SioSocket}).
 */
final class SocketIoEcho {
    private SocketIoEcho() {}

    static SocketIoServer server() {
        SocketIoServer io = SocketIoServer.builder().build();
        io.sockets()
                .on(
                        "connection",
                        socket -> socket.onAny((event, args, ack) -> {
                            if (ack != null) {
                                ack.send(args.toArray());
                            } else {
                                socket.emit(event, args.toArray());
                            }
                        }));
        return io;
    }
}
