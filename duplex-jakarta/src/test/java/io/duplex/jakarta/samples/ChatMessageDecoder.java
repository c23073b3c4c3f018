package io.duplex.jakarta.samples;

import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;

/** Decodes {@code from|text}; {@code willDecode} refuses anything without the separator. */
public class ChatMessageDecoder implements Decoder.Text<ChatMessage> {
    @Override
    public ChatMessage decode(String s) throws DecodeException {
        int bar = s.indexOf('|');
        if (bar == 0) {
            throw new DecodeException(s, "no sender");
        }
        return new ChatMessage(s.substring(0, bar), s.substring(bar + 1));
    }

    @Override
    public boolean willDecode(String s) {
        return s.indexOf('|') >= 0;
    }
}
