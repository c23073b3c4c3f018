package io.duplex.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.WebSocketClient;
import io.duplex.redis.RedisServer;
import io.duplex.testkit.Await;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A page that joins while the node's Redis is unreachable: the nick cannot be checked against the
 * room's members (presence is in Redis), so the join is refused explicitly — {@code error
 * unavailable}, no {@code joined}, not a member — never accepted into a room it would silently
 * get nothing from. Once Redis is back the same connection joins and follows the room.
 */
class ChatRedisOutageTest {
    private RedisServer redis;
    private RedisChatNode node;
    private final WebSocketClient client = WebSocketClient.builder().build();

    @AfterEach
    void stop() {
        client.close();
        if (node != null) {
            node.stop();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aJoinWhileRedisIsDownIsRefusedExplicitlyAndWorksOnceItIsBack() throws Exception {
        redis = RedisServer.start(null);
        node = RedisChatNode.start("redis://127.0.0.1:" + redis.port, 0);
        redis.kill();
        Await.eventually("the node saw Redis go", () -> !node.redisConnected());

        ChatPeer early = ChatPeer.chat(client, node.port());
        early.send("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"early\"}");
        assertThat(early.nextError()).isEqualTo("unavailable");

        redis.launch();
        Await.eventually("the node reconnected to Redis", node::redisConnected);
        early.send("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"early\"}");
        assertThat(nextOf(early, "subscribed")).containsEntry("recovered", true);
        ChatPeer later = ChatPeer.chat(client, node.port());
        later.send("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"later\"}");
        assertThat(nextOf(later, "subscribed")).containsEntry("recovered", true);
        later.say("anyone?");
        assertThat(nextOf(later, "message")).containsEntry("text", "anyone?");
        assertThat(nextOf(early, "message")).containsEntry("text", "anyone?");
    }

    /** The next message of {@code type}, skipping presence, joins and typing. */
    private static Map<String, Object> nextOf(ChatPeer peer, String type) throws InterruptedException {
        while (true) {
            Map<String, Object> m = peer.next();
            if (m.get("type").equals(type)) {
                return m;
            }
            assertThat((String) m.get("type"))
                    .as("%s", m)
                    .isIn("presence", "member-joined", "joined", "typing", "subscribed", "history");
        }
    }
}
