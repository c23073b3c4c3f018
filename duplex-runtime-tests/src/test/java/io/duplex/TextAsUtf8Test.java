package io.duplex;

import static io.duplex.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Text as UTF-8 bytes: {@link WebSocketHandler#onTextUtf8} and {@link
 * WebSocket#sendText(ByteBuffer)}, against the JDK's client and our own (reconnecting), on the
 * loop and on a handler executor.
 */
class TextAsUtf8Test {
    /** Two-, three- and four-byte characters. */
    static final String TEXT = "héllo wörld € 🌍";

    WebSocketServer server;
    ExecutorService pool;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(b.position(), a);
        return a;
    }

    static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The handler gets the bytes the JDK client encoded, for a message read whole and one
     * assembled from many reads, and sends them back as they are, twice from the same buffer: the
     * client reads the same text twice.
     */
    @Test
    void bytesArriveAsSentAndGoBackAsText() {
        LinkedBlockingQueue<byte[]> got = new LinkedBlockingQueue<>();
        server = Loopback.server()
                .config(WebSocketConfig.builder().maxMessageSize(4 << 20).build())
                .route("/utf8", new WebSocketHandler() {
                    @Override
                    public void onTextUtf8(WebSocket ws, ByteBuffer utf8) {
                        got.add(bytes(utf8));
                        int position = utf8.position();
                        ws.sendText(utf8);
                        // Neither kept nor moved: the same buffer goes out twice, whole.
                        if (utf8.position() != position) {
                            got.add("sendText moved the buffer".getBytes(StandardCharsets.UTF_8));
                        }
                        ws.sendText(utf8);
                    }

                    @Override
                    public void onText(WebSocket ws, String text) {
                        got.add("onText must not be called".getBytes(StandardCharsets.UTF_8));
                    }
                })
                .start();
        JdkListener client = new JdkListener();
        java.net.http.WebSocket ws =
                JdkListener.open(HttpClient.newHttpClient(), Loopback.uri(server, "/utf8"), client);
        String large = TEXT.repeat(20_000); // ~400 KB: read and assembled in pieces
        for (String text : List.of(TEXT, large, "")) {
            await(ws.sendText(text, true));
            assertThat(Await.poll(got)).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
            assertThat(Await.poll(client.texts)).isEqualTo(text);
            assertThat(Await.poll(client.texts)).isEqualTo(text);
        }
        assertThat(got).isEmpty();
    }

    /**
     * Bytes that are not valid UTF-8 are refused where {@code sendText} is called, on the loop
     * and on another thread, and nothing reaches the peer; the connection goes on.
     */
    @Test
    void invalidUtf8IsRefusedAndNothingIsSent() {
        LinkedBlockingQueue<String> outcomes = new LinkedBlockingQueue<>();
        byte[][] invalid = {
            {(byte) 0xC3, 0x28}, // a lead byte without its continuation
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a UTF-16 surrogate (U+D800)
            {(byte) 0xC0, (byte) 0xAF}, // an overlong '/'
            {(byte) 0xE2, (byte) 0x82} // a three-byte character cut short
        };
        server = Loopback.server()
                .route("/utf8", new WebSocketHandler() {
                    @Override
                    public void onTextUtf8(WebSocket ws, ByteBuffer utf8) {
                        for (byte[] b : invalid) {
                            outcomes.add(refused(() -> ws.sendText(ByteBuffer.wrap(b))));
                        }
                        CompletableFuture.runAsync(() -> {
                                    for (byte[] b : invalid) {
                                        outcomes.add(refused(() -> ws.sendText(ByteBuffer.wrap(b))));
                                    }
                                    ws.sendText(utf8("after"));
                                })
                                .exceptionally(e -> {
                                    outcomes.add("failed: " + e);
                                    return null;
                                });
                    }
                })
                .start();
        JdkListener client = new JdkListener();
        java.net.http.WebSocket ws =
                JdkListener.open(HttpClient.newHttpClient(), Loopback.uri(server, "/utf8"), client);
        await(ws.sendText("go", true));
        assertThat(Await.poll(client.texts)).isEqualTo("after");
        for (int i = 0; i < 2 * invalid.length; i++) {
            assertThat(Await.poll(outcomes)).isEqualTo("refused");
        }
        assertThat(outcomes).isEmpty();
        assertThat(client.texts).isEmpty();
        assertThat(client.closed).isNotDone();
    }

    static String refused(Runnable send) {
        try {
            send.run();
            return "sent";
        } catch (IllegalArgumentException e) {
            return "refused";
        }
    }

    /** On a handler executor the handler gets a copy, still intact after the loop read on. */
    @Test
    void anOffloadedHandlerKeepsItsOwnCopy() {
        pool = Executors.newFixedThreadPool(2);
        List<ByteBuffer> kept = new ArrayList<>();
        LinkedBlockingQueue<String> onLoop = new LinkedBlockingQueue<>();
        server = Loopback.server()
                .handlerExecutor(pool)
                .route("/utf8", new WebSocketHandler() {
                    @Override
                    public void onTextUtf8(WebSocket ws, ByteBuffer utf8) {
                        synchronized (kept) {
                            kept.add(utf8); // kept past the call: allowed only for a copy
                        }
                        if (Thread.currentThread().getName().contains("duplex-")) {
                            onLoop.add(Thread.currentThread().getName());
                        }
                        ws.sendText(utf8);
                    }
                })
                .start();
        JdkListener client = new JdkListener();
        java.net.http.WebSocket ws =
                JdkListener.open(HttpClient.newHttpClient(), Loopback.uri(server, "/utf8"), client);
        int n = 50;
        for (int i = 0; i < n; i++) {
            await(ws.sendText(i + ":" + TEXT, true)); // the JDK client takes one send at a time
        }
        for (int i = 0; i < n; i++) {
            assertThat(Await.poll(client.texts)).isEqualTo(i + ":" + TEXT);
        }
        synchronized (kept) {
            assertThat(kept).hasSize(n);
            for (int i = 0; i < n; i++) {
                assertThat(new String(bytes(kept.get(i)), StandardCharsets.UTF_8))
                        .isEqualTo(i + ":" + TEXT);
            }
        }
        assertThat(onLoop).isEmpty();
    }

    /**
     * A reconnecting client's handler that takes bytes gets them through the client's own socket
     * (the same object the connect returned), and {@code sendText(ByteBuffer)} goes through it;
     * between connections it checks the bytes and queues them.
     */
    @Test
    void aReconnectingClientTakesTextAsBytes() {
        server = Loopback.server().route("/echo", WebSocketHandler.echo()).start();
        LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
        List<WebSocket> seen = new ArrayList<>();
        try (WebSocketClient client = WebSocketClient.builder()
                .reconnect(ReconnectPolicy.defaults()) // no limit: still reconnecting when it is asserted
                .queueWhileReconnecting(1024)
                .build()) {
            WebSocket ws = await(client.connect(Loopback.uri(server, "/echo"), new WebSocketHandler() {
                @Override
                public void onTextUtf8(WebSocket s, ByteBuffer utf8) {
                    synchronized (seen) {
                        seen.add(s);
                    }
                    got.add(new String(bytes(utf8), StandardCharsets.UTF_8));
                }
            }));
            assertThat(ws.sendText(utf8(TEXT))).isNotEqualTo(SendResult.DROPPED);
            assertThat(Await.poll(got)).isEqualTo(TEXT);
            ws.send("as a String");
            assertThat(Await.poll(got)).isEqualTo("as a String");
            assertThatThrownBy(() -> ws.sendText(ByteBuffer.wrap(new byte[] {(byte) 0xFF})))
                    .isInstanceOf(IllegalArgumentException.class);
            synchronized (seen) {
                assertThat(seen).hasSize(2).allSatisfy(s -> assertThat(s).isSameAs(ws));
            }

            // Between connections the bytes are checked and queued as text, as a String would be.
            server.stop(Duration.ofSeconds(5));
            server = null;
            Await.eventually("reconnecting", () -> ws.readyState() == ReadyState.CONNECTING);
            assertThat(ws.sendText(utf8(TEXT))).isEqualTo(SendResult.BUFFERED);
            assertThatThrownBy(() -> ws.sendText(ByteBuffer.wrap(new byte[] {(byte) 0xC0, (byte) 0xAF})))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
