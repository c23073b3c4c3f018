package io.duplex;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link WebSocketHandler} that records every event of one connection (or of every connection
 * of a route, when the test opens one at a time), for tests on real sockets. Waits are bounded.
 *
 * <p>Threading: callbacks may run on any thread; the queues and futures are thread-safe.
 */
class Recorder implements WebSocketHandler {
    static final Duration WAIT = Duration.ofSeconds(10);

    /** How a connection ended, as {@code onClose} reported it. */
    record Closed(int code, String reason, boolean clean) {}

    final CompletableFuture<WebSocket> opened = new CompletableFuture<>();
    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    final BlockingQueue<ByteBuffer> binaries = new LinkedBlockingQueue<>();
    final BlockingQueue<ByteBuffer> pings = new LinkedBlockingQueue<>();
    final BlockingQueue<ByteBuffer> pongs = new LinkedBlockingQueue<>();
    final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
    final CompletableFuture<Closed> closed = new CompletableFuture<>();
    final AtomicInteger closeCalls = new AtomicInteger();
    final AtomicInteger drains = new AtomicInteger();

    @Override
    public void onOpen(WebSocket ws) {
        opened.complete(ws);
    }

    @Override
    public void onText(WebSocket ws, String text) {
        texts.add(text);
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        binaries.add(copy(data));
    }

    @Override
    public void onPing(WebSocket ws, ByteBuffer data) {
        pings.add(copy(data));
    }

    @Override
    public void onPong(WebSocket ws, ByteBuffer data) {
        pongs.add(copy(data));
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
        closeCalls.incrementAndGet();
        closed.complete(new Closed(code, reason, wasClean));
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        errors.add(error);
    }

    @Override
    public void onDrain(WebSocket ws) {
        drains.incrementAndGet();
    }

    WebSocket awaitOpen() {
        return await(opened);
    }

    Closed awaitClose() {
        return await(closed);
    }

    String nextText() {
        return poll(texts);
    }

    static ByteBuffer copy(ByteBuffer data) {
        return ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
    }

    static <T> T await(CompletableFuture<T> future) {
        return future.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /** The exception {@code future} fails with (unwrapped), failing the test if it succeeds. */
    static Throwable catchFailure(CompletableFuture<?> future) {
        try {
            future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("neither completed nor failed within " + WAIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a failure but it completed");
    }

    static <T> T poll(BlockingQueue<T> queue) {
        try {
            T item = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(item).as("nothing arrived within %s", WAIT).isNotNull();
            return item;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Polls {@code condition} until it holds or {@link #WAIT} passes (then fails with {@code what}). */
    static void eventually(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
    }

    /** A server on 127.0.0.1, an ephemeral port and two loops. */
    static WebSocketServer.Builder server() {
        return WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(2);
    }

    static java.net.URI uri(WebSocketServer server, String path) {
        return java.net.URI.create("ws://127.0.0.1:" + server.port() + path);
    }

    static ByteBuffer bytes(String ascii) {
        return ByteBuffer.wrap(ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
