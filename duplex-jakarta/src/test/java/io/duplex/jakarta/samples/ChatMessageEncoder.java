package io.duplex.jakarta.samples;

import jakarta.websocket.Encoder;

/** Encodes a chat line as {@code [room] from: text}. */
public class ChatMessageEncoder implements Encoder.Text<ChatMessage> {
    @Override
    public String encode(ChatMessage m) {
        return m.from() + ": " + m.text();
    }
}
