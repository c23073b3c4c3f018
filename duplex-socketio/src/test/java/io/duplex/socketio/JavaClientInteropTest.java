package io.duplex.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.TrustedProxies;
import io.duplex.WebSocketConfig;
import io.duplex.WebSocketServer;
import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official Java client {@code io.socket:socket.io-client} 2.1.1 (Maven Central) against a
 * Duplex Socket.IO server, over WebSocket and polling: auth, events with JSON and binary, acks both
 * ways, a room broadcast; and {@code socket.handshake().address()} behind a proxy, the client
 * sending {@code X-Forwarded-For} as a proxy would: the client the proxy names when the server
 * trusts the proxy, the socket's peer when it does not (a forwarding header from any other peer is
 * a client's word, not a proxy's).
 */
class JavaClientInteropTest {
    SocketIoServer io;
    WebSocketServer server;
    Socket client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (io != null) {
            io.close();
        }
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "polling"})
    void officialJavaClient(String transport) throws Exception {
        io = SocketIoServer.builder().build();
        io.sockets()
                .use((s, next) -> {
                    if ("t0ken".equals(s.handshake().auth().get("token"))) {
                        next.proceed();
                    } else {
                        next.reject("no", null);
                    }
                })
                .on("connection", s -> {
                    s.on("echo", (args, ack) -> ack.send(args.toArray()));
                    s.on("ask-me", (args, ack) -> s.emitWithAck(Duration.ofSeconds(10), "question", "life")
                            .thenAccept(answer -> s.emit("answered", answer.toArray())));
                    s.on("join", (args, ack) -> {
                        s.join("r");
                        io.sockets().to("r").emit("news", "in r", new byte[] {5});
                    });
                });
        server = io.attach(Loopback.server()).start();

        IO.Options options = IO.Options.builder()
                .setTransports(new String[] {transport})
                .setForceNew(true)
                .setReconnection(false)
                .setAuth(Map.of("token", "t0ken"))
                .build();
        client = IO.socket(URI.create("http://127.0.0.1:" + server.port()), options);
        CompletableFuture<Void> connected = new CompletableFuture<>();
        CompletableFuture<Object[]> answered = new CompletableFuture<>();
        CompletableFuture<Object[]> news = new CompletableFuture<>();
        client.on(Socket.EVENT_CONNECT, a -> connected.complete(null));
        client.on(Socket.EVENT_CONNECT_ERROR, a -> connected.completeExceptionally(new AssertionError(a[0])));
        client.on("question", a -> ((Ack) a[a.length - 1]).call("answer to " + a[0], new byte[] {9}));
        client.on("answered", answered::complete);
        client.on("news", news::complete);
        client.connect();
        Await.await(connected);

        CompletableFuture<Object[]> echoed = new CompletableFuture<>();
        client.emit(
                "echo", new Object[] {new JSONObject(Map.of("s", "é")), new byte[] {0, (byte) 255}}, echoed::complete);
        Object[] e = Await.await(echoed);
        assertThat(e[0].toString()).isEqualTo("{\"s\":\"é\"}");
        assertThat((byte[]) e[1]).containsExactly(0, 255);

        client.emit("ask-me");
        Object[] a = Await.await(answered);
        assertThat(a[0]).isEqualTo("answer to life");
        assertThat((byte[]) a[1]).containsExactly(9);

        client.emit("join");
        Object[] n = Await.await(news);
        assertThat(List.of(n[0])).containsExactly("in r");
        assertThat((byte[]) n[1]).containsExactly(5);
    }

    /** Connects with {@code X-Forwarded-For: 203.0.113.7}; returns the address the server saw. */
    String addressSeen(TrustedProxies trusted, String transport) {
        io = SocketIoServer.builder().build();
        io.sockets()
                .on(
                        "connection",
                        s -> s.emit(
                                "address", s.handshake().address().getAddress().getHostAddress()));
        server = io.attach(Loopback.server()
                        .config(WebSocketConfig.builder()
                                .trustedProxies(trusted)
                                .build()))
                .start();
        IO.Options options = IO.Options.builder()
                .setTransports(new String[] {transport})
                .setForceNew(true)
                .setReconnection(false)
                .setExtraHeaders(Map.of("X-Forwarded-For", List.of("203.0.113.7")))
                .build();
        client = IO.socket(URI.create("http://127.0.0.1:" + server.port()), options);
        CompletableFuture<String> seen = new CompletableFuture<>();
        client.on("address", a -> seen.complete((String) a[0]));
        client.on(Socket.EVENT_CONNECT_ERROR, a -> seen.completeExceptionally(new AssertionError(a[0])));
        client.connect();
        return Await.await(seen);
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket"})
    void aTrustedProxysClientIsTheAddress(String transport) {
        assertThat(addressSeen(TrustedProxies.NONE.withForwardingFrom("127.0.0.0/8"), transport))
                .isEqualTo("203.0.113.7");
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket"})
    void aForwardingHeaderFromAnUntrustedPeerIsIgnored(String transport) {
        assertThat(addressSeen(TrustedProxies.NONE, transport)).isEqualTo("127.0.0.1");
    }
}
