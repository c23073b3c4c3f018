package io.duplex.jakarta;

import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import java.nio.ByteBuffer;

/**
 * Hands the events of a Duplex connection to the {@link DuplexSession} attached to it on open: the
 * half that the server ({@link JakartaHandler}) and client ({@link ClientConnection}) handlers
 * share.
 *
 * <p>Threading: the runtime calls it for one connection one event at a time, on the loop or a
 * handler executor (in order), which gives the endpoint the one-thread-at-a-time rule of Jakarta
 * WebSocket 2.1 §5.1.
 */
abstract class SessionEvents implements WebSocketHandler {

    static DuplexSession session(WebSocket ws) {
        return ws.attachment() instanceof DuplexSession s ? s : null;
    }

    @Override
    public void onText(WebSocket ws, String text) {
        DuplexSession s = session(ws);
        if (s != null) {
            s.onText(text);
        }
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        DuplexSession s = session(ws);
        if (s != null) {
            s.onBinary(data);
        }
    }

    @Override
    public void onFragment(WebSocket ws, ByteBuffer data, boolean text, boolean last) {
        DuplexSession s = session(ws);
        if (s != null) {
            s.onFragment(data, text, last);
        }
    }

    @Override
    public void onPong(WebSocket ws, ByteBuffer data) {
        DuplexSession s = session(ws);
        if (s != null) {
            s.onPong(data);
        }
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        DuplexSession s = session(ws);
        if (s != null) {
            s.onError(error); // §5.2.3: errors of the connection to the error handler
        }
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
        DuplexSession s = session(ws);
        if (s != null) {
            s.onClose(code, reason);
        }
    }
}
