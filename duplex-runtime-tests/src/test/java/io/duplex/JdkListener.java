package io.duplex;

import io.duplex.testkit.Await;
import io.duplex.testkit.RecordingHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Records what the JDK's {@link java.net.http.WebSocket} client receives: whole messages, pings,
 * pongs, the close (code and reason) or the error.
 *
 * <p>Threading: called by the JDK client's threads; the queues and futures are thread-safe.
 */
final class JdkListener implements java.net.http.WebSocket.Listener {
    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    final BlockingQueue<ByteBuffer> binaries = new LinkedBlockingQueue<>();
    final BlockingQueue<ByteBuffer> pings = new LinkedBlockingQueue<>();
    final BlockingQueue<ByteBuffer> pongs = new LinkedBlockingQueue<>();
    final CompletableFuture<RecordingHandler.Closed> closed = new CompletableFuture<>();
    final CompletableFuture<Throwable> error = new CompletableFuture<>();
    private StringBuilder text = new StringBuilder();
    private ByteBuffer binary = ByteBuffer.allocate(0);

    /** Opens a JDK WebSocket; {@code headers} are name, value pairs. */
    static java.net.http.WebSocket open(HttpClient http, URI uri, JdkListener listener, String... headers) {
        java.net.http.WebSocket.Builder b = http.newWebSocketBuilder();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return Await.await(b.buildAsync(uri, listener));
    }

    /** The HTTP status the JDK client saw when the upgrade was refused. */
    static int refusedStatus(HttpClient http, URI uri, String... headers) {
        java.net.http.WebSocket.Builder b = http.newWebSocketBuilder();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            b.buildAsync(uri, new JdkListener()).get(Await.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            Throwable t = e instanceof java.util.concurrent.ExecutionException || e instanceof CompletionException
                    ? e.getCause()
                    : e;
            if (t instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw new AssertionError("expected a refused handshake", t);
        }
        throw new AssertionError("the upgrade was accepted");
    }

    @Override
    public CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            texts.add(text.toString());
            text = new StringBuilder();
        }
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(java.net.http.WebSocket ws, ByteBuffer data, boolean last) {
        binary = ByteBuffer.allocate(binary.remaining() + data.remaining())
                .put(binary)
                .put(data)
                .flip();
        if (last) {
            binaries.add(binary);
            binary = ByteBuffer.allocate(0);
        }
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPing(java.net.http.WebSocket ws, ByteBuffer message) {
        pings.add(RecordingHandler.copy(message));
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(java.net.http.WebSocket ws, ByteBuffer message) {
        pongs.add(RecordingHandler.copy(message));
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(java.net.http.WebSocket ws, int statusCode, String reason) {
        closed.complete(new RecordingHandler.Closed(statusCode, reason, true));
        return null;
    }

    @Override
    public void onError(java.net.http.WebSocket ws, Throwable t) {
        error.complete(t);
        closed.completeExceptionally(t);
    }
}
