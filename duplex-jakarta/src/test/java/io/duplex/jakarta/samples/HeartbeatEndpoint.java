package io.duplex.jakarta.samples;

import jakarta.websocket.OnMessage;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Pings and pongs (Jakarta WebSocket 2.1 §2.2.5, §4.7): {@code "ping X"} makes the endpoint ping
 * the peer with {@code X}; every pong that arrives — the peer's automatic answer or an unsolicited
 * one — is reported back as the text {@code "pong X"}. The same class runs on Tyrus.
 */
@ServerEndpoint("/heartbeat")
public class HeartbeatEndpoint {

    @OnMessage
    public void text(String message, Session session) throws IOException {
        if (message.startsWith("ping ")) {
            session.getBasicRemote()
                    .sendPing(ByteBuffer.wrap(message.substring(5).getBytes(StandardCharsets.UTF_8)));
        }
    }

    @OnMessage
    public void pong(PongMessage pong, Session session) throws IOException {
        session.getBasicRemote().sendText("pong " + StandardCharsets.UTF_8.decode(pong.getApplicationData()));
    }
}
