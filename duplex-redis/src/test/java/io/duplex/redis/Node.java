package io.duplex.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.PreparedMessage;
import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import io.duplex.testkit.Await;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One Duplex server node with its own {@link RedisBroker}. Its clients speak a tiny protocol: text
 * "sub:T", "unsub:T", "pub:T:text" (published excluding the sender); binary: one byte n, n bytes of
 * topic, then the payload to publish.
 *
 * <p>Threading: test thread; handlers run on the server's loops.
 */
final class Node implements AutoCloseable {
    final RedisBroker broker;
    final WebSocketServer server;

    Node(RedisBroker broker) {
        this.broker = broker;
        this.server = WebSocketServer.builder()
                .host("127.0.0.1")
                .port(0)
                .eventLoops(2)
                .broker(broker)
                .route("/ps", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        if (text.startsWith("sub:")) {
                            ws.subscribe(text.substring(4));
                            ws.send("ok " + text);
                        } else if (text.startsWith("unsub:")) {
                            ws.unsubscribe(text.substring(6));
                            ws.send("ok " + text);
                        } else if (text.startsWith("pub:")) {
                            int colon = text.indexOf(':', 4);
                            ws.publish(text.substring(4, colon), text.substring(colon + 1));
                        }
                    }

                    @Override
                    public void onBinary(WebSocket ws, ByteBuffer data) {
                        byte[] topic = new byte[data.get() & 0xff];
                        data.get(topic);
                        ws.publish(new String(topic, StandardCharsets.UTF_8), PreparedMessage.binary(data));
                    }
                })
                .start();
    }

    static Node start(String uri, String nodeId) {
        return new Node(RedisBroker.builder()
                .uri(uri)
                .nodeId(nodeId)
                .maxReconnectDelay(Duration.ofMillis(500))
                .build());
    }

    Peer connect(WebSocketClient client, String... topics) throws Exception {
        LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        WebSocket ws = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/ps"), new WebSocketHandler() {
                    @Override
                    public void onText(WebSocket s, String text) {
                        inbox.add(text);
                    }

                    @Override
                    public void onBinary(WebSocket s, ByteBuffer data) {
                        byte[] b = new byte[data.remaining()];
                        data.get(b);
                        inbox.add(b);
                    }
                })
                .get(10, TimeUnit.SECONDS);
        Peer p = new Peer(ws, inbox);
        for (String t : topics) {
            p.subscribe(t);
        }
        return p;
    }

    @Override
    public void close() {
        server.stop(Duration.ofSeconds(2));
        broker.close();
    }

    record Peer(WebSocket ws, LinkedBlockingQueue<Object> inbox) {
        Object next() throws InterruptedException {
            Object o = inbox.poll(10, TimeUnit.SECONDS);
            if (o == null) {
                throw new AssertionError("nothing received within 10 s");
            }
            return o;
        }

        String nextText() throws InterruptedException {
            return (String) next();
        }

        void subscribe(String topic) throws InterruptedException {
            ws.send("sub:" + topic);
            assertThat(next()).isEqualTo("ok sub:" + topic);
        }

        void unsubscribe(String topic) throws InterruptedException {
            ws.send("unsub:" + topic);
            assertThat(next()).isEqualTo("ok unsub:" + topic);
        }

        void publishBinary(String topic, byte[] payload) {
            byte[] t = topic.getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(1 + t.length + payload.length);
            b.put((byte) t.length).put(t).put(payload).flip();
            ws.send(b);
        }
    }

    /** Polls {@code condition} until true, for at most {@code seconds}. */
    static void await(String what, int seconds, BooleanSupplier condition) {
        Await.eventually(what, Duration.ofSeconds(seconds), condition);
    }

    /** Like {@link #await} for conditions that query Redis. */
    interface IoCondition {
        boolean test() throws Exception;
    }

    static void awaitRedis(String what, int seconds, IoCondition condition) throws InterruptedException {
        await(what, seconds, () -> {
            try {
                return condition.test();
            } catch (Exception e) {
                return false;
            }
        });
    }
}
