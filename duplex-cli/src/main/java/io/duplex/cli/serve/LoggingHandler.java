package io.duplex.cli.serve;

import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Wraps a handler and writes one line per connection opened and closed — remote address, path,
 * close code — never one per message, so logging does not distort a benchmark.
 *
 * <pre>
 * open  127.0.0.1:51234 /chat
 * close 127.0.0.1:51234 /chat 1000 clean
 * </pre>
 *
 * <p>Threading: callbacks run on the event loops; {@link PrintStream} keeps lines whole.
 */
final class LoggingHandler implements WebSocketHandler {
    private final WebSocketHandler delegate;
    private final PrintStream log;

    LoggingHandler(WebSocketHandler delegate, PrintStream log) {
        this.delegate = delegate;
        this.log = log;
    }

    @Override
    public void onOpen(WebSocket ws) {
        log.println("open  " + address(ws.clientAddress()) + " " + ws.path());
        delegate.onOpen(ws);
    }

    @Override
    public void onText(WebSocket ws, String text) {
        delegate.onText(ws, text);
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        delegate.onBinary(ws, data);
    }

    @Override
    public void onPing(WebSocket ws, ByteBuffer data) {
        delegate.onPing(ws, data);
    }

    @Override
    public void onPong(WebSocket ws, ByteBuffer data) {
        delegate.onPong(ws, data);
    }

    @Override
    public void onDrain(WebSocket ws) {
        delegate.onDrain(ws);
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        delegate.onError(ws, error);
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
        try {
            delegate.onClose(ws, code, reason, wasClean);
        } finally {
            log.println("close " + address(ws.clientAddress()) + " " + ws.path() + " " + code
                    + (wasClean ? " clean" : " unclean")
                    + (reason == null || reason.isEmpty() ? "" : " (" + reason + ")"));
        }
    }

    /** {@code 127.0.0.1:5000}, {@code [::1]:5000}: no host name lookups on the loop. */
    static String address(InetSocketAddress a) {
        if (a == null) {
            return "-";
        }
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
