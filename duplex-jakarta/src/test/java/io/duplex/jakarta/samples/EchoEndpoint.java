package io.duplex.jakarta.samples;

import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;

/** The spec's hello example (§2.1.4): the return value is the answer. Text and binary. */
@ServerEndpoint("/echo")
public class EchoEndpoint {
    @OnMessage
    public String text(String message) {
        return message;
    }

    @OnMessage
    public ByteBuffer binary(ByteBuffer data) {
        return data;
    }
}
