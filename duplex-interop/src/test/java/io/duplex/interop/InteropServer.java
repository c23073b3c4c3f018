package io.duplex.interop;

import io.duplex.UpgradeDecision;
import io.duplex.WebSocket;
import io.duplex.WebSocketConfig;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import io.duplex.deflate.DeflateConfig;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Duplex side of the "Duplex server × peer client" cells: a plain, a TLS and a plain server
 * with permessage-deflate context takeover allowed, all on 127.0.0.1 with the same endpoints, each connection's events recorded under the {@code ?id=} the
 * client put in its URL (the scenario name), and the page for Chromium served from the classpath.
 *
 * <ul>
 *   <li>{@code /echo} echoes every message with its type
 *   <li>{@code /close} closes with 4001 "bye from server" when it receives "close-me"
 *   <li>{@code /ping} pings "srv-ping" on open and answers the pong with "pong:srv-ping"
 * </ul>
 *
 * <p>Threading: the endpoint runs on the servers' event loops; the recorders are thread-safe.
 */
final class InteropServer implements AutoCloseable {
    static final String CLOSE_REASON = "bye from server";
    private static final String PAGE = "interop-page";

    private final Map<String, Recorder> connections = new ConcurrentHashMap<>();
    private final WebSocketServer plain;
    private final WebSocketServer secure;
    private final WebSocketServer takeover;

    private InteropServer() {
        // The defaults (permessage-deflate negotiated) plus two subprotocols, preferring chat.v2.
        WebSocketConfig config =
                WebSocketConfig.builder().subprotocols("chat.v2", "chat").build();
        WebSocketConfig withTakeover = config.toBuilder()
                .compression(DeflateConfig.builder().contextTakeover(true).build())
                .build();
        WebSocketHandler endpoint = new Endpoint();
        List<WebSocketServer> started = new ArrayList<>();
        try {
            started.add(builder(config, endpoint).start());
            started.add(builder(config, endpoint)
                    .tls(TestCertificate.get().serverTls())
                    .start());
            started.add(builder(withTakeover, endpoint).start());
        } catch (RuntimeException e) {
            started.forEach(s -> s.stop(Duration.ofSeconds(1)));
            throw e;
        }
        this.plain = started.get(0);
        this.secure = started.get(1);
        this.takeover = started.get(2);
    }

    static InteropServer start() {
        return new InteropServer();
    }

    private WebSocketServer.Builder builder(WebSocketConfig config, WebSocketHandler endpoint) {
        return WebSocketServer.builder()
                .host("127.0.0.1")
                .port(0)
                .eventLoops(1)
                .config(config)
                .staticResources(PAGE)
                .upgrader(request -> UpgradeDecision.accept(request.queryParameter("id")))
                .route("/echo", endpoint)
                .route("/close", endpoint)
                .route("/ping", endpoint);
    }

    /** {@code ws://127.0.0.1:port} */
    URI ws() {
        return URI.create("ws://127.0.0.1:" + plain.port());
    }

    /** {@code wss://127.0.0.1:port} (the certificate names 127.0.0.1 too) */
    URI wss() {
        return URI.create("wss://127.0.0.1:" + secure.port());
    }

    /** {@code ws://127.0.0.1:port} of the server that allows context takeover both ways */
    URI wsWithContextTakeover() {
        return URI.create("ws://127.0.0.1:" + takeover.port());
    }

    /** What the server saw on the connection whose client used {@code ?id=id}. */
    Recorder connection(String id) {
        return connections.computeIfAbsent(id, k -> new Recorder());
    }

    @Override
    public void close() {
        for (WebSocketServer s : List.of(plain, secure, takeover)) {
            s.stop(Duration.ofSeconds(2));
        }
    }

    private final class Endpoint implements WebSocketHandler {
        private Recorder recorder(WebSocket ws) {
            String id = ws.attachment();
            return connection(id == null ? "(no id)" : id);
        }

        @Override
        public void onOpen(WebSocket ws) {
            recorder(ws).onOpen(ws);
            if (ws.path().equals("/ping")) {
                ws.ping(ByteBuffer.wrap("srv-ping".getBytes(StandardCharsets.UTF_8)));
            }
        }

        @Override
        public void onText(WebSocket ws, String text) {
            recorder(ws).onText(ws, text);
            if (ws.path().equals("/close") && text.equals("close-me")) {
                ws.close(4001, CLOSE_REASON);
            } else {
                ws.send(text);
            }
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            recorder(ws).onBinary(ws, data);
            ws.send(data);
        }

        @Override
        public void onPing(WebSocket ws, ByteBuffer data) {
            recorder(ws).onPing(ws, data);
        }

        @Override
        public void onPong(WebSocket ws, ByteBuffer data) {
            recorder(ws).onPong(ws, data);
            if (ws.path().equals("/ping")) {
                ws.send("pong:" + StandardCharsets.UTF_8.decode(data.duplicate()));
            }
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
            recorder(ws).onClose(ws, code, reason, wasClean);
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            recorder(ws).onError(ws, error);
        }
    }
}
