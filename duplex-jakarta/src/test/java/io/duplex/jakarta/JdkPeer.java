package io.duplex.jakarta;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A peer we did not write: the JDK's {@code java.net.http.WebSocket}, recording what it receives.
 * Waits are bounded and on conditions (queues, futures), never on sleeps.
 */
final class JdkPeer implements WebSocket.Listener, AutoCloseable {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final long WAIT_SECONDS = 10;

    final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final CompletableFuture<String> closeReason = new CompletableFuture<>();
    private StringBuilder text = new StringBuilder();
    private ByteBuffer binary = ByteBuffer.allocate(0);
    WebSocket ws;

    static JdkPeer connect(URI uri, String... subprotocols) {
        JdkPeer peer = new JdkPeer();
        WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(WAIT_SECONDS));
        if (subprotocols.length > 0) {
            b.subprotocols(
                    subprotocols[0],
                    List.of(subprotocols).subList(1, subprotocols.length).toArray(String[]::new));
        }
        peer.ws = b.buildAsync(uri, peer)
                .orTimeout(WAIT_SECONDS, TimeUnit.SECONDS)
                .join();
        return peer;
    }

    /** The failure of a handshake the server refused. */
    static Throwable refused(URI uri) {
        try {
            HTTP.newWebSocketBuilder()
                    .buildAsync(uri, new JdkPeer())
                    .orTimeout(WAIT_SECONDS, TimeUnit.SECONDS)
                    .join();
            return null;
        } catch (Exception e) {
            return e.getCause() != null ? e.getCause() : e;
        }
    }

    JdkPeer send(String message) {
        ws.sendText(message, true).orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).join();
        return this;
    }

    JdkPeer send(ByteBuffer message) {
        ws.sendBinary(message, true).orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).join();
        return this;
    }

    Object next() throws InterruptedException {
        Object m = messages.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("no message within " + WAIT_SECONDS + " s");
        }
        return m;
    }

    String nextText() throws InterruptedException {
        return (String) next();
    }

    int closeCode() {
        return closed.orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).join();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            messages.add(text.toString());
            text = new StringBuilder();
        }
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        ByteBuffer joined = ByteBuffer.allocate(binary.remaining() + data.remaining());
        joined.put(binary).put(data).flip();
        binary = joined;
        if (last) {
            messages.add(binary);
            binary = ByteBuffer.allocate(0);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        messages.add("pong:" + java.nio.charset.StandardCharsets.UTF_8.decode(message));
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeReason.complete(reason);
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }

    @Override
    public void close() {
        if (ws != null && !ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "")
                    .orTimeout(WAIT_SECONDS, TimeUnit.SECONDS)
                    .exceptionally(t -> null)
                    .join();
        }
    }
}
