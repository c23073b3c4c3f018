package io.duplex;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** In-process publish/subscribe: one-encode fan-out, ordering, exclusion, slow consumers, cleanup. */
class PubSubTest {
    WebSocketServer server;
    WebSocketClient client = WebSocketClient.builder().eventLoops(2).build();
    final LinkedBlockingQueue<WebSocket> serverSockets = new LinkedBlockingQueue<>();

    /** Clients speak a tiny protocol: "sub:T", "unsub:T", "pub:T:text" (excluding the sender). */
    WebSocketServer start(WebSocketConfig config) {
        server = WebSocketServer.builder()
                .host("127.0.0.1")
                .port(0)
                .eventLoops(2)
                .config(config)
                .route("/ps", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        serverSockets.add(ws);
                    }

                    @Override
                    public void onText(WebSocket ws, String text) {
                        if (text.startsWith("sub:")) {
                            ws.subscribe(text.substring(4));
                            ws.send("ok " + text);
                        } else if (text.startsWith("unsub:")) {
                            ws.unsubscribe(text.substring(6));
                        } else if (text.startsWith("pub:")) {
                            int colon = text.indexOf(':', 4);
                            ws.publish(text.substring(4, colon), text.substring(colon + 1));
                        }
                    }
                })
                .start();
        return server;
    }

    @AfterEach
    void stop() {
        client.close();
        if (server != null) {
            server.stop(Duration.ofSeconds(2));
        }
    }

    record Peer(WebSocket ws, LinkedBlockingQueue<String> inbox, CompletableFuture<Integer> closed) {
        String next() throws InterruptedException {
            String s = inbox.poll(10, TimeUnit.SECONDS);
            if (s == null) {
                throw new AssertionError("nothing received within 10 s");
            }
            return s;
        }
    }

    Peer connect(String... topics) throws Exception {
        LinkedBlockingQueue<String> inbox = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket ws = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/ps"), new WebSocketHandler() {
                    @Override
                    public void onText(WebSocket s, String text) {
                        inbox.add(text);
                    }

                    @Override
                    public void onClose(WebSocket s, int code, String reason, boolean wasClean) {
                        closed.complete(code);
                    }
                })
                .get(10, TimeUnit.SECONDS);
        Peer p = new Peer(ws, inbox, closed);
        for (String t : topics) {
            ws.send("sub:" + t);
            assertThat(p.next()).isEqualTo("ok sub:" + t);
        }
        return p;
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Test
    void publishReachesEverySubscriberOnceAndWsPublishExcludesTheSender() throws Exception {
        start(WebSocketConfig.DEFAULT);
        Peer a = connect("room");
        Peer b = connect("room");
        Peer c = connect("room", "other");
        Peer outsider = connect("other");
        assertThat(server.subscriberCount("room")).isEqualTo(3);
        assertThat(server.publish("room", "hello room")).isEqualTo(3);
        for (Peer p : List.of(a, b, c)) {
            assertThat(p.next()).isEqualTo("hello room");
        }
        a.ws().send("pub:room:from a");
        assertThat(b.next()).isEqualTo("from a");
        assertThat(c.next()).isEqualTo("from a");
        server.publish("other", "marker");
        assertThat(outsider.next()).isEqualTo("marker");
        assertThat(c.next()).isEqualTo("marker");
        assertThat(a.inbox()).isEmpty(); // the sender was excluded, and "other" is not a's topic
    }

    @Test
    void messagesFromOneThreadArriveInOrderAndCompressedOnceForLargeOnes() throws Exception {
        start(WebSocketConfig.DEFAULT);
        List<Peer> peers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            peers.add(connect("feed"));
        }
        String big = "{\"price\":1234.5,\"symbol\":\"ACME\"}".repeat(200); // > threshold: deflated once
        for (int i = 0; i < 500; i++) {
            server.publish("feed", i % 50 == 0 ? big + i : "tick " + i);
        }
        for (Peer p : peers) {
            for (int i = 0; i < 500; i++) {
                assertThat(p.next()).isEqualTo(i % 50 == 0 ? big + i : "tick " + i);
            }
        }
        assertThat(peers.get(0).ws().extensions()).isNotEmpty();
    }

    @Test
    void subscriptionsEndWithTheConnection() throws Exception {
        start(WebSocketConfig.DEFAULT);
        Peer a = connect("room", "x", "y");
        connect("room");
        assertThat(server.subscriberCount("room")).isEqualTo(2);
        a.ws().close();
        a.closed().get(10, TimeUnit.SECONDS);
        await(() -> server.subscriberCount("room") == 1 && server.subscriberCount("x") == 0);
        assertThat(((InMemoryBroker) server.broker()).topicCount()).isEqualTo(1);
    }

    @Test
    void noLeakAfter100kSubscribeUnsubscribeCycles() throws Exception {
        start(WebSocketConfig.DEFAULT);
        connect();
        WebSocket ws = serverSockets.poll(10, TimeUnit.SECONDS);
        for (int i = 0; i < 100_000; i++) {
            String topic = "t" + (i % 100);
            ws.subscribe(topic);
            ws.unsubscribe(topic);
        }
        InMemoryBroker broker = (InMemoryBroker) server.broker();
        assertThat(broker.topicCount()).isZero();
        assertThat(ws.topics()).isEmpty();
        // The per-loop lists are emptied on the loop: a publish afterwards reaches nobody.
        ws.subscribe("after");
        assertThat(server.subscriberCount("after")).isEqualTo(1);
    }

    @Test
    void aSubscriberThatNeverReadsIsDroppedWhileOthersGetEverything() throws Exception {
        start(WebSocketConfig.builder()
                .outboundLimit(64 * 1024)
                .slowConsumerPolicy(SlowConsumerPolicy.DROP)
                .build());
        Peer fast = connect("flood");
        try (Socket slow = rawSubscriber("flood")) {
            await(() -> server.subscriberCount("flood") == 2);
            // Incompressible enough not to matter: 4 KiB of text per message, 16 MB in all, more
            // than the kernel's loopback buffers can absorb for the socket that never reads.
            String payload = "z".repeat(4000);
            long publishNanos = 0;
            // Batches of 12 (48 KB, under the 64 KiB limit) paced by the fast reader; the slow
            // one falls behind by the whole stream and must be dropped, not buffered.
            for (int batch = 0; batch < 340; batch++) {
                long start = System.nanoTime();
                for (int i = batch * 12; i < (batch + 1) * 12; i++) {
                    server.publish("flood", payload + i);
                }
                publishNanos += System.nanoTime() - start;
                for (int i = batch * 12; i < (batch + 1) * 12; i++) {
                    assertThat(fast.next()).isEqualTo(payload + i);
                }
            }
            long publishMillis = publishNanos / 1_000_000;
            WebSocket slowServerSide = serverSockets.stream()
                    .filter(w -> w.bufferedAmount() > 0)
                    .findFirst()
                    .orElseThrow();
            // Memory stays bounded by the per-socket limit (plus at most one message).
            assertThat(slowServerSide.bufferedAmount()).isLessThanOrEqualTo(64 * 1024 + 1024);
            assertThat(publishMillis).as("the publisher is never blocked").isLessThan(10_000);
        }
    }

    @Test
    void closePolicyCutsOffTheSlowSubscriber() throws Exception {
        start(WebSocketConfig.builder()
                .outboundLimit(64 * 1024)
                .slowConsumerPolicy(SlowConsumerPolicy.CLOSE)
                .build());
        try (Socket slow = rawSubscriber("flood")) {
            await(() -> server.subscriberCount("flood") == 1);
            String payload = "z".repeat(4000);
            for (int i = 0; i < 4000; i++) {
                server.publish("flood", payload + i);
            }
            // The slow socket is closed (1008 queued behind its backlog, then aborted) and its
            // subscription ends with it.
            await(() -> server.subscriberCount("flood") == 0);
        }
    }

    /** A subscriber on a raw socket that subscribes and then never reads again. */
    Socket rawSubscriber(String topic) throws Exception {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096); // before connecting, so the window stays small
        s.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()), 10_000);
        OutputStream out = s.getOutputStream();
        out.write(("GET /ps HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        int matched = 0;
        while (matched < 4) { // read the 101 head up to CRLFCRLF
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("closed during handshake");
            }
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        byte[] text = ("sub:" + topic).getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new byte[6 + text.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | text.length);
        // mask key 0: XOR is the identity, still a masked frame (RFC 6455 §5.3)
        System.arraycopy(text, 0, frame, 6, text.length);
        out.write(frame);
        return s;
    }
}
