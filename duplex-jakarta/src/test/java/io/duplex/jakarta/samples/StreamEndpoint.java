package io.duplex.jakarta.samples;

import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;

/**
 * Streaming in the style of the Tyrus samples: text read through a {@link Reader}, binary through
 * an {@link InputStream} (Jakarta WebSocket 2.1 §4.7), each answered with its length and a
 * checksum the peers compute too (sum of the UTF-16 code units, or of the bytes, modulo 1e9+7).
 * Nothing here knows Duplex: the same class runs on Tyrus.
 */
@ServerEndpoint("/stream")
public class StreamEndpoint {
    static final long MOD = 1_000_000_007L;

    @OnMessage
    public String text(Reader in) throws IOException {
        long n = 0;
        long sum = 0;
        char[] buffer = new char[4096];
        for (int r; (r = in.read(buffer)) >= 0; ) {
            for (int i = 0; i < r; i++) {
                sum = (sum + buffer[i]) % MOD;
            }
            n += r;
        }
        return "text " + n + " " + sum;
    }

    @OnMessage
    public String binary(InputStream in) throws IOException {
        long n = 0;
        long sum = 0;
        byte[] buffer = new byte[8192];
        for (int r; (r = in.read(buffer)) >= 0; ) {
            for (int i = 0; i < r; i++) {
                sum = (sum + (buffer[i] & 0xff)) % MOD;
            }
            n += r;
        }
        return "binary " + n + " " + sum;
    }
}
