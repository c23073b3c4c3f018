package io.duplex.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.WebSocketClient;
import io.duplex.redis.RedisServer;
import io.duplex.testkit.Await;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A page that joins (or rejoins after a drop) while the node's Redis is unreachable: the join is
 * answered {@code joined}, then {@code error unavailable} (the stream subscription failed). Once
 * Redis is back the member must get the room's messages again, or be told it does not.
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
    void aMemberWhoJoinedWhileRedisWasDownGetsTheRoomsMessagesOnceItIsBack() throws Exception {
        redis = RedisServer.start(null);
        node = RedisChatNode.start("redis://127.0.0.1:" + redis.port, 0);
        redis.kill();
        Await.eventually("the node saw Redis go", () -> !node.redisConnected());

        ChatPeer early = ChatPeer.chat(client, node.port());
        early.send("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"early\"}");
        assertThat(early.next("joined")).containsEntry("nick", "early");
        assertThat(early.nextError()).isEqualTo("unavailable");

        redis.launch();
        Await.eventually("the node reconnected to Redis", node::redisConnected);
        // The server retries the early member's subscribe (backoff up to 5 s) until Redis serves it.
        assertThat(nextOf(early, "subscribed")).containsEntry("recovered", true);
        ChatPeer later = ChatPeer.chat(client, node.port());
        later.send("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"later\"}");
        assertThat(nextOf(later, "subscribed")).containsEntry("recovered", true);
        later.say("anyone?");
        Map<String, Object> said = nextOf(later, "message");
        assertThat(said).containsEntry("text", "anyone?");
        // The early member is in the room (presence lists it) and now follows its stream again.
        Map<String, Object> seen = nextOf(early, "message");
        assertThat(seen).containsEntry("text", "anyone?");
    }

    /** The next message of {@code type}, skipping presence, joins and typing. */
    private static Map<String, Object> nextOf(ChatPeer peer, String type) throws InterruptedException {
        while (true) {
            Map<String, Object> m = peer.next();
            if (m.get("type").equals(type)) {
                return m;
            }
            assertThat((String) m.get("type"))
                    .isIn("presence", "member-joined", "joined", "typing", "subscribed", "history");
        }
    }
}
