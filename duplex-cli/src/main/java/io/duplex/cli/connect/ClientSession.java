package io.duplex.cli.connect;

import io.duplex.ReconnectPolicy;
import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import io.duplex.cli.PayloadPreview;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The handler of {@code duplex connect}: shows each message through a {@link View} (binary in a
 * {@link BinaryFormat}) or, in echo mode, sends it straight back with the same type and bytes;
 * shows control frames with {@code --show-control} and reconnections with {@code --reconnect};
 * counts messages for {@code --wait}; and records how the session ended.
 *
 * <p>With a {@link io.duplex.ReconnectPolicy} a lost connection is not the end: {@link #closed()}
 * completes only on a close this side asked for, a close the policy does not retry, or when
 * reconnecting gives up.
 *
 * <p>Threading: callbacks run on the client's event loop; every other method may be called from
 * any thread.
 */
final class ClientSession implements WebSocketHandler {
    /** How the connection ended, as {@link WebSocketHandler#onClose} reported it. */
    record Closed(int code, String reason, boolean wasClean, boolean requested) {
        /** A completed close handshake with 1000 or 1001, or with any code this side chose. */
        boolean isNormal() {
            return wasClean && (requested || code == 1000 || code == 1001);
        }

        String describe() {
            String text = code + (reason == null || reason.isEmpty() ? "" : " " + reason);
            return wasClean ? "closed by the server: " + text : "connection lost (" + text + ")";
        }
    }

    /** Where the session's lines go: stdout/stderr for pipes, the prompt's screen for people. */
    interface View {
        /**
         * A message received, rendered on one line.
         *
         * @return false once the output is gone (a closed pipe)
         */
        boolean message(String line, boolean binary);

        /** A control frame received (ping, pong, close), rendered on one line. */
        void control(String line);

        /** A note about the session: reconnecting, reconnected, a dropped message. */
        void status(String line);

        /** Whether the close is shown even without {@code --show-control} (a person is watching). */
        default boolean alwaysShowsClose() {
            return false;
        }
    }

    /** Messages on stdout, one per line, nothing else; control frames and notes on stderr. */
    record PipeView(PrintStream out, PrintStream err) implements View {
        @Override
        public boolean message(String line, boolean binary) {
            out.println(line);
            return !out.checkError();
        }

        @Override
        public void control(String line) {
            err.println("< " + line);
        }

        @Override
        public void status(String line) {
            err.println("duplex: " + line);
        }
    }

    private final View view;
    private final BinaryFormat binaryFormat;
    private final boolean echo;
    private final boolean showControl;
    private final boolean reconnect;
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final AtomicInteger received = new AtomicInteger();
    private volatile int waitFor = Integer.MAX_VALUE;
    private final CompletableFuture<Integer> waited = new CompletableFuture<>();
    private volatile Throwable lastError;
    private volatile boolean closeRequested;
    private volatile boolean reconnecting;

    ClientSession(View view, BinaryFormat binaryFormat, boolean echo, boolean showControl, boolean reconnect) {
        this.view = view;
        this.binaryFormat = binaryFormat;
        this.echo = echo;
        this.showControl = showControl;
        this.reconnect = reconnect;
    }

    /** Completes once when the session ends, cleanly or not. */
    CompletableFuture<Closed> closed() {
        return closed;
    }

    /** The last error reported on the connection (a protocol violation, an I/O error), or null. */
    Throwable lastError() {
        return lastError;
    }

    /** Messages received so far. */
    int received() {
        return received.get();
    }

    /** Completes with the count once {@code n} messages have been received. */
    CompletableFuture<Integer> awaitMessages(int n) {
        waitFor = n;
        if (received.get() >= n) {
            waited.complete(received.get());
        }
        return waited;
    }

    View view() {
        return view;
    }

    /**
     * Starts the close handshake. While reconnecting there is no connection to close: the session
     * ends at once.
     */
    void close(WebSocket ws, int code, String reason) {
        closeRequested = true;
        ws.close(code, reason);
        if (reconnecting) {
            closed.complete(new Closed(code, reason, true, true));
        }
    }

    boolean closeRequested() {
        return closeRequested;
    }

    @Override
    public void onText(WebSocket ws, String text) {
        if (echo) {
            ws.send(text);
        } else {
            show(ws, text, false);
        }
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        if (echo) {
            ws.send(data);
        } else {
            show(ws, binaryFormat.format(data), true);
        }
    }

    /** Shows a message; once stdout is gone ({@code duplex connect … | head -1}), closes with 1000. */
    private void show(WebSocket ws, String line, boolean binary) {
        if (!view.message(line, binary)) {
            close(ws, 1000, "");
        }
        int n = received.incrementAndGet();
        if (n >= waitFor) {
            waited.complete(n);
        }
    }

    @Override
    public void onPing(WebSocket ws, ByteBuffer data) {
        if (showControl) {
            view.control("ping " + controlPayload(data));
        }
    }

    @Override
    public void onPong(WebSocket ws, ByteBuffer data) {
        if (showControl) {
            view.control("pong " + controlPayload(data));
        }
    }

    private static String controlPayload(ByteBuffer data) {
        if (!data.hasRemaining()) {
            return "(empty)";
        }
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        return PayloadPreview.textOrHex(bytes, bytes.length, bytes.length, 125);
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        lastError = error;
        if (reconnecting) {
            // ReconnectingWebSocket reports giving up through onError, after the last onClose.
            closed.complete(new Closed(1006, "gave up reconnecting: " + error.getMessage(), false, false));
        }
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
        if (showControl || view.alwaysShowsClose()) {
            view.control("close " + PayloadPreview.close(code, reason) + (wasClean ? "" : " (no close handshake)"));
        }
        if (reconnect && !closeRequested && ReconnectPolicy.retriesClose(code)) {
            // ReconnectingWebSocket calls onReconnecting right after this, on this thread.
            reconnecting = true;
            view.status("connection lost (" + PayloadPreview.close(code, reason) + ")");
            return;
        }
        closed.complete(new Closed(code, reason, wasClean, closeRequested));
    }

    @Override
    public void onReconnecting(WebSocket ws, int attempt, Duration delay) {
        reconnecting = true;
        view.status("reconnecting (attempt " + attempt + " in " + delay.toMillis() + " ms)");
    }

    @Override
    public void onReconnected(WebSocket ws) {
        reconnecting = false;
        view.status("reconnected");
    }
}
