package io.duplex.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A handler that queues every message (text as String, binary as byte[]) and the close. */
class Recorder implements WebSocketHandler {
    record Closed(int code, String reason, boolean wasClean) {}

    final LinkedBlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Closed> closed = new CompletableFuture<>();
    final CompletableFuture<WebSocket> opened = new CompletableFuture<>();

    @Override
    public void onOpen(WebSocket ws) {
        opened.complete(ws);
    }

    @Override
    public void onText(WebSocket ws, String text) {
        messages.add(text);
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        messages.add(copy);
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
        closed.complete(new Closed(code, reason, wasClean));
    }

    /** The next message, failing the test after 10 s. */
    Object next() throws InterruptedException {
        Object m = messages.poll(10, TimeUnit.SECONDS);
        assertThat(m).as("a message within 10 s").isNotNull();
        return m;
    }

    Closed awaitClose() throws Exception {
        return closed.get(10, TimeUnit.SECONDS);
    }
}
