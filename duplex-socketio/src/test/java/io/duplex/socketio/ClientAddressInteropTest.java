package io.duplex.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.TrustedProxies;
import io.duplex.WebSocketConfig;
import io.duplex.WebSocketServer;
import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code socket.handshake().address()} behind a proxy, with the official Java client sending
 * {@code X-Forwarded-For} as a proxy would: the client the proxy names when the server trusts the
 * proxy, the socket's peer when it does not (a forwarding header from any other peer is a client's
 * word, not a proxy's) — on polling, where each request is an HTTP exchange, and on WebSocket.
 */
class ClientAddressInteropTest {
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
