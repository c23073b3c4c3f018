package io.duplex;

import static io.duplex.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.handshake.HandshakeException;
import io.duplex.handshake.OriginPolicy;
import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import io.duplex.testkit.RecordingHandler;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The checks before a connection opens: Origin (RFC 6455 §10.2, 403) and authentication in an
 * {@link Upgrader} (401), with the identity reaching the handler as the attachment.
 */
class OriginAndAuthTest extends LoopbackTest {
    record User(String name) {}

    /** Accepts {@code ?token=secret} or {@code Authorization: Bearer secret}. */
    static final Upgrader TOKEN = request -> {
        String auth = request.headers().first("Authorization");
        if ("secret".equals(request.queryParameter("token")) || "Bearer secret".equals(auth)) {
            return UpgradeDecision.accept(new User("alice"));
        }
        return UpgradeDecision.reject(401, "unauthorized");
    };

    WebSocketServer allowListServer;
    RecordingHandler onServer;

    @BeforeEach
    void start() {
        onServer = new RecordingHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                super.onOpen(ws);
                User user = ws.attachment();
                ws.send("hello " + (user == null ? "anonymous" : user.name()));
            }
        };
        server = Loopback.server()
                .route("/open", onServer)
                .route("/private", onServer, TOKEN)
                .start();
        allowListServer = Loopback.server()
                .config(WebSocketConfig.builder()
                        .originPolicy(OriginPolicy.allowList(List.of("https://app.example")))
                        .build())
                .route("/open", onServer)
                .start();
    }

    @AfterEach
    void stopAllowListServer() {
        allowListServer.stop(Duration.ofSeconds(5));
    }

    static int status(CompletableFuture<WebSocket> connecting) {
        Throwable t = Await.catchFailure(connecting);
        assertThat(t).isInstanceOf(HandshakeException.class);
        return ((HandshakeException) t).status();
    }

    WebSocketClient clientWithOrigin(String origin) {
        client.close();
        client = WebSocketClient.builder().origin(origin).build();
        return client;
    }

    @Test
    void foreignOriginIsRefusedWith403ByDefault() {
        URI uri = Loopback.uri(server, "/open");
        assertThat(JdkListener.refusedStatus(http, uri, "Origin", "http://evil.example"))
                .isEqualTo(403);
        assertThat(status(clientWithOrigin("http://evil.example").connect(uri, new RecordingHandler())))
                .isEqualTo(403);
        assertThat(onServer.opened).isNotDone();
    }

    @Test
    void sameOriginIsAllowed() {
        URI uri = Loopback.uri(server, "/open");
        JdkListener listener = new JdkListener();
        JdkListener.open(http, uri, listener, "Origin", "http://127.0.0.1:" + server.port());
        assertThat(Await.poll(listener.texts)).isEqualTo("hello anonymous");
        RecordingHandler onClient = new RecordingHandler();
        await(clientWithOrigin("http://127.0.0.1:" + server.port()).connect(uri, onClient));
        assertThat(onClient.nextText()).isEqualTo("hello anonymous");
    }

    @Test
    void requestWithoutOriginIsAllowed() {
        RecordingHandler onClient = new RecordingHandler();
        await(client.connect(Loopback.uri(server, "/open"), onClient));
        assertThat(onClient.nextText()).isEqualTo("hello anonymous");
    }

    @Test
    void allowListAdmitsExactlyItsOrigins() {
        URI uri = Loopback.uri(allowListServer, "/open");
        RecordingHandler onClient = new RecordingHandler();
        await(clientWithOrigin("https://app.example").connect(uri, onClient));
        assertThat(onClient.nextText()).isEqualTo("hello anonymous");
        assertThat(JdkListener.refusedStatus(http, uri, "Origin", "http://evil.example"))
                .isEqualTo(403);
        // Same-origin is not implied by an allow-list.
        assertThat(JdkListener.refusedStatus(http, uri, "Origin", "http://127.0.0.1:" + allowListServer.port()))
                .isEqualTo(403);
        assertThat(status(clientWithOrigin("https://app.example:8443").connect(uri, new RecordingHandler())))
                .isEqualTo(403);
    }

    @Test
    void wrongOrMissingTokenIsRefusedWith401() {
        assertThat(status(client.connect(
                        URI.create(Loopback.uri(server, "/private") + "?token=wrong"), new RecordingHandler())))
                .isEqualTo(401);
        assertThat(status(client.connect(Loopback.uri(server, "/private"), new RecordingHandler())))
                .isEqualTo(401);
        assertThat(status(client.connect(
                        Loopback.uri(server, "/private"),
                        new RecordingHandler(),
                        Map.of("Authorization", "Bearer nope"))))
                .isEqualTo(401);
        assertThat(JdkListener.refusedStatus(http, Loopback.uri(server, "/private"), "Authorization", "Bearer nope"))
                .isEqualTo(401);
        assertThat(onServer.opened).isNotDone();
    }

    @Test
    void rightQueryTokenAttachesTheUser() {
        RecordingHandler onClient = new RecordingHandler();
        await(client.connect(URI.create(Loopback.uri(server, "/private") + "?token=secret"), onClient));
        assertThat(onClient.nextText()).isEqualTo("hello alice");
        assertThat(onServer.awaitOpen().<User>attachment()).isEqualTo(new User("alice"));
    }

    @Test
    void rightAuthorizationHeaderAttachesTheUser() {
        RecordingHandler onClient = new RecordingHandler();
        await(client.connect(Loopback.uri(server, "/private"), onClient, Map.of("Authorization", "Bearer secret")));
        assertThat(onClient.nextText()).isEqualTo("hello alice");
        JdkListener listener = new JdkListener();
        JdkListener.open(http, Loopback.uri(server, "/private"), listener, "Authorization", "Bearer secret");
        assertThat(Await.poll(listener.texts)).isEqualTo("hello alice");
    }

    @Test
    void upgraderThatThrowsAnswers500() {
        WebSocketServer failing = Loopback.server()
                .route("/ws", onServer, request -> {
                    throw new IllegalStateException("bug in the upgrader");
                })
                .start();
        try {
            assertThat(status(client.connect(Loopback.uri(failing, "/ws"), new RecordingHandler())))
                    .isEqualTo(500);
        } finally {
            failing.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void refusedUpgradeThrowsForJoin() {
        CompletableFuture<WebSocket> f = client.connect(Loopback.uri(server, "/private"), new RecordingHandler());
        assertThatThrownBy(f::join)
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(HandshakeException.class);
    }
}
