package io.duplex.cli;

import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * The handler of {@code duplex connect}: prints each message on its own line (binary in a
 * {@link BinaryFormat}) or, in echo mode, sends it straight back with the same type and bytes; and
 * records how the connection ended.
 *
 * <p>Threading: callbacks run on the client's event loop; {@link #closed()} and {@link
 * #lastError()} may be read from any thread.
 */
final class ClientSession implements WebSocketHandler {
    /** How the connection ended, as {@link WebSocketHandler#onClose} reported it. */
    record Closed(int code, String reason, boolean wasClean) {
        /** A completed close handshake with 1000 (normal) or 1001 (going away). */
        boolean isNormal() {
            return wasClean && (code == 1000 || code == 1001);
        }

        String describe() {
            String text = code + (reason == null || reason.isEmpty() ? "" : " " + reason);
            return wasClean ? "closed by the server: " + text : "connection lost (" + text + ")";
        }
    }

    private final PrintStream out;
    private final BinaryFormat binaryFormat;
    private final boolean echo;
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private volatile Throwable lastError;

    ClientSession(PrintStream out, BinaryFormat binaryFormat, boolean echo) {
        this.out = out;
        this.binaryFormat = binaryFormat;
        this.echo = echo;
    }

    /** Completes once when the connection ends, cleanly or not. */
    CompletableFuture<Closed> closed() {
        return closed;
    }

    /** The last error reported on the connection (a protocol violation, an I/O error), or null. */
    Throwable lastError() {
        return lastError;
    }

    @Override
    public void onText(WebSocket ws, String text) {
        if (echo) {
            ws.send(text);
        } else {
            print(ws, text);
        }
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        if (echo) {
            ws.send(data);
        } else {
            print(ws, binaryFormat.format(data));
        }
    }

    /** Prints a message; once stdout is gone ({@code duplex connect … | head -1}), closes with 1000. */
    private void print(WebSocket ws, String line) {
        out.println(line);
        if (out.checkError()) {
            ws.close(1000, "");
        }
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        lastError = error;
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
        out.flush();
        closed.complete(new Closed(code, reason, wasClean));
    }
}
