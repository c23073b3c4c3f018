package io.duplex.jakarta;

import io.duplex.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code Future} of an async send: a view of the runtime's future whose blocking {@code get}
 * refuses to wait on the connection's own event loop (where the write it waits for cannot happen).
 *
 * <p>Threading: safe from any thread.
 */
final class SendFuture implements Future<Void> {
    private final CompletableFuture<Void> sent;
    private final WebSocket ws;

    SendFuture(CompletableFuture<Void> sent, WebSocket ws) {
        this.sent = sent;
        this.ws = ws;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return false;
    }

    @Override
    public boolean isCancelled() {
        return false;
    }

    @Override
    public boolean isDone() {
        return sent.isDone();
    }

    @Override
    public Void get() throws InterruptedException, ExecutionException {
        checkNotOnLoop();
        return sent.get();
    }

    @Override
    public Void get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        checkNotOnLoop();
        return sent.get(timeout, unit);
    }

    private void checkNotOnLoop() {
        if (!sent.isDone() && ws.inEventLoop()) {
            throw new IllegalStateException("waiting for a send on the event loop would never end");
        }
    }
}
