package io.duplex.socketio;

import io.duplex.redis.RedisServer;
import io.duplex.testkit.Await;
import java.util.concurrent.CompletableFuture;

/**
 * A {@code join} handler for tests with several nodes on one Redis: the socket joins the room
 * named by the event's first argument, and the ack ({@code "joined"}) comes once Redis relays
 * that room and the socket's own to this node, so that a broadcast from another node cannot race
 * the SUBSCRIBE.
 *
 * <p>Threading: the handler runs on the socket's queue; the wait runs on the common pool.
 */
final class RelayedJoin {
    private RelayedJoin() {}

    static EventHandler on(SioSocket s, RedisServer redis) {
        return (args, ack) -> {
            String room = (String) args.get(0);
            s.join(room);
            CompletableFuture.runAsync(() -> {
                Await.eventually(
                        "subscribed",
                        () -> redis.numsub("duplex:sio:/:" + room) >= 1 && redis.numsub("duplex:sio:/:" + s.id()) >= 1);
                ack.send("joined");
            });
        };
    }
}
