package io.duplex;

import static io.duplex.testkit.Await.await;
import static io.duplex.testkit.Await.poll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.handshake.Headers;
import io.duplex.testkit.Loopback;
import io.duplex.testkit.RawClient;
import io.duplex.testkit.RecordingHandler;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The plain-HTTP exchange SPI: keep-alive, held requests, bodies, bad framing, prefix routes. */
class HttpExchangeTest {
    WebSocketServer server;
    final BlockingQueue<HttpExchange> held = new LinkedBlockingQueue<>();
    final BlockingQueue<String> disconnects = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    /** Answers /api/... at once (method, path, query parameter, body); holds /hold/... until told. */
    void start(WebSocketServer.Builder b) {
        server = b.http(
                        "/api/",
                        x -> x.respond(
                                200,
                                Headers.of("Content-Type", "text/plain"),
                                (x.method() + " " + x.path() + " q=" + x.queryParameter("q") + " body="
                                                + new String(x.body(), StandardCharsets.UTF_8))
                                        .getBytes(StandardCharsets.UTF_8)))
                .http("/hold/", x -> {
                    x.onDisconnect(() -> disconnects.add(x.path()));
                    held.add(x);
                })
                .route("/ws", WebSocketHandler.echo())
                .start();
    }

    @Test
    void jdkClientGetsAnswersAndPostsBodies() throws Exception {
        start(Loopback.server());
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI base = URI.create("http://127.0.0.1:" + server.port());
        HttpResponse<String> get = client.send(
                HttpRequest.newBuilder(base.resolve("/api/x?q=a%20b")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo("GET /api/x q=a b body=");
        HttpResponse<String> post = client.send(
                HttpRequest.newBuilder(base.resolve("/api/y"))
                        .POST(HttpRequest.BodyPublishers.ofString("hello"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.body()).isEqualTo("POST /api/y q=null body=hello");
        // The client kept its connection: the same TCP connection served both.
        assertThat(server.connectionCount()).isEqualTo(1);
    }

    @Test
    void keepAliveServesRequestsOneAfterAnotherAndPipelinedInOrder() throws Exception {
        start(Loopback.server());
        try (RawClient raw = RawClient.connect(server.port())) {
            raw.write(get("/api/1"));
            assertThat(raw.readResponse()).endsWith("GET /api/1 q=null body=");
            raw.write(get("/hold/2") + get("/api/3"));
            HttpExchange x = poll(held);
            x.respond(200, Headers.EMPTY, "two".getBytes(StandardCharsets.UTF_8));
            assertThat(raw.readResponse()).endsWith("\r\n\r\ntwo");
            assertThat(raw.readResponse()).endsWith("GET /api/3 q=null body=");
        }
    }

    @Test
    void aHeldRequestIsAnsweredLaterFromAnotherThread() throws Exception {
        start(Loopback.server());
        HttpClient client = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<String>> answer = client.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/hold/poll"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpExchange x = poll(held);
        assertThat(answer).isNotDone();
        CompletableFuture.runAsync(() -> x.respond(200, Headers.EMPTY, "later".getBytes(StandardCharsets.UTF_8)));
        assertThat(await(answer).body()).isEqualTo("later");
        assertThatThrownBy(() -> x.respond(200, Headers.EMPTY, new byte[0])).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aClientLeavingAHeldRequestIsReported() throws Exception {
        start(Loopback.server());
        RawClient raw = RawClient.connect(server.port());
        raw.write(get("/hold/gone"));
        HttpExchange x = poll(held);
        raw.close();
        assertThat(poll(disconnects)).isEqualTo("/hold/gone");
        assertThat(x.respond(200, Headers.EMPTY, new byte[0])).isFalse();
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        start(Loopback.server());
        try (RawClient raw = RawClient.connect(server.port())) {
            raw.write("GET /api/c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            String all = raw.readToEnd();
            assertThat(all)
                    .startsWith("HTTP/1.1 200 OK")
                    .contains("Connection: close")
                    .endsWith("body=");
        }
    }

    @Test
    void badFramingGetsItsStatus() throws Exception {
        start(Loopback.server().maxHttpBody(10));
        assertThat(exchange(
                        "POST /api/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"))
                .startsWith("HTTP/1.1 411");
        assertThat(exchange("POST /api/x HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world"))
                .startsWith("HTTP/1.1 413");
        assertThat(exchange("POST /api/x HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
        assertThat(exchange("POST /api/x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nab"))
                .startsWith("HTTP/1.1 400");
        assertThat(exchange(
                        "POST /api/x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nConnection: close\r\n\r\n0123456789"))
                .startsWith("HTTP/1.1 200")
                .endsWith("body=0123456789");
    }

    @Test
    void aRequestReadTooSlowlyTimesOut() throws Exception {
        start(Loopback.server()
                .config(WebSocketConfig.builder()
                        .handshakeTimeout(Duration.ofMillis(300))
                        .build()));
        try (RawClient raw = RawClient.connect(server.port())) {
            raw.write("POST /api/x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
            assertThat(raw.awaitEnd(Duration.ofSeconds(5))).isTrue();
        }
        // After an answer, an idle keep-alive connection gets the same time for its next request.
        try (RawClient raw = RawClient.connect(server.port())) {
            raw.write(get("/api/1"));
            raw.readResponse();
            assertThat(raw.awaitEnd(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void aHeldRequestIsNotTimedOutByTheReadTimeout() throws Exception {
        start(Loopback.server()
                .config(WebSocketConfig.builder()
                        .handshakeTimeout(Duration.ofMillis(100))
                        .build()));
        try (RawClient raw = RawClient.connect(server.port())) {
            raw.write(get("/hold/long"));
            HttpExchange x = poll(held);
            // Several read timeouts pass while the handler holds the request (a long poll).
            CompletableFuture<Void> later = new CompletableFuture<>();
            CompletableFuture.delayedExecutor(500, java.util.concurrent.TimeUnit.MILLISECONDS)
                    .execute(() -> later.complete(null));
            await(later);
            x.respond(200, Headers.EMPTY, "held".getBytes(StandardCharsets.UTF_8));
            assertThat(raw.readResponse()).endsWith("held");
        }
        assertThat(disconnects).isEmpty();
    }

    @Test
    void webSocketUpgradesUnderAPrefixReachThePrefixRoute() throws Exception {
        BlockingQueue<UpgradeRequest> seen = new LinkedBlockingQueue<>();
        server = Loopback.server()
                .routePrefix("/sio/", WebSocketHandler.echo(), r -> {
                    seen.add(r);
                    return UpgradeDecision.accept();
                })
                .route("/sio/exact", WebSocketHandler.onText((ws, t) -> ws.send("exact:" + t)))
                .http("/sio/", x -> x.respond(200, Headers.EMPTY, "polling".getBytes(StandardCharsets.UTF_8)))
                .start();
        RecordingHandler h = new RecordingHandler();
        WebSocketClient client = WebSocketClient.builder().build();
        try {
            WebSocket ws = await(client.connect(Loopback.uri(server, "/sio/?EIO=4&transport=websocket"), h));
            ws.send("hi");
            assertThat(h.nextText()).isEqualTo("hi");
            assertThat(poll(seen).queryParameter("transport")).isEqualTo("websocket");
            RecordingHandler h2 = new RecordingHandler();
            WebSocket exact = await(client.connect(Loopback.uri(server, "/sio/exact"), h2));
            exact.send("x");
            assertThat(h2.nextText()).isEqualTo("exact:x");
            RecordingHandler h3 = new RecordingHandler();
            await(client.connect(Loopback.uri(server, "/sio"), h3));
            assertThat(poll(seen).path()).isEqualTo("/sio");
        } finally {
            client.close();
        }
        assertThat(exchange("GET /sio/?EIO=4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                .endsWith("polling");
    }

    String exchange(String request) throws IOException {
        try (RawClient raw = RawClient.connect(server.port())) {
            raw.write(request);
            return raw.readToEnd();
        }
    }

    static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }
}
