package io.duplex;

import static io.duplex.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.testkit.Loopback;
import io.duplex.testkit.RawClient;
import io.duplex.testkit.RecordingHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Plain HTTP next to WebSocket routes: demo pages from a directory, nothing outside it. */
class StaticFilesTest {
    @TempDir
    Path temp;

    WebSocketServer server;

    @BeforeEach
    void start() throws IOException {
        Path root = Files.createDirectory(temp.resolve("www"));
        Files.writeString(root.resolve("index.html"), "<h1>hello</h1>");
        Files.writeString(root.resolve("app.js"), "console.log(1)");
        Files.createDirectory(root.resolve("sub"));
        Files.writeString(root.resolve("sub").resolve("index.html"), "<p>sub</p>");
        Files.writeString(temp.resolve("secret.txt"), "do not serve");
        server = Loopback.server()
                .staticFiles(root)
                .route("/ws", WebSocketHandler.echo())
                .start();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(5));
    }

    /** The whole response to one raw request (the server closes after answering). */
    String request(String method, String target) throws IOException {
        try (RawClient raw = RawClient.connect(server.port(), null, 0)) {
            raw.write(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n\r\n");
            return raw.readToEnd();
        }
    }

    static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void indexIsServedWithItsContentType() throws IOException {
        String response = request("GET", "/");
        assertThat(response)
                .startsWith("HTTP/1.1 200 ")
                .contains("Content-Type: text/html; charset=utf-8\r\n")
                .contains("Content-Length: 14\r\n");
        assertThat(body(response)).isEqualTo("<h1>hello</h1>");
        assertThat(request("GET", "/app.js")).contains("Content-Type: text/javascript; charset=utf-8\r\n");
        assertThat(body(request("GET", "/sub/"))).isEqualTo("<p>sub</p>");
        assertThat(body(request("GET", "/index.html?v=2"))).isEqualTo("<h1>hello</h1>");
    }

    @Test
    void headHasNoBody() throws IOException {
        String response = request("HEAD", "/");
        assertThat(response).startsWith("HTTP/1.1 200 ").contains("Content-Length: 14\r\n");
        assertThat(body(response)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/../secret.txt",
                "/%2e%2e/secret.txt",
                "/sub/../../secret.txt",
                "/..%2fsecret.txt",
                "/%2e%2e%2fsecret.txt"
            })
    void traversalIsRefused(String target) throws IOException {
        String response = request("GET", target);
        assertThat(response).matches("(?s)HTTP/1\\.1 (400|404) .*");
        assertThat(response).doesNotContain("do not serve");
    }

    @Test
    void missingFileIs404() throws IOException {
        assertThat(request("GET", "/nope.html")).startsWith("HTTP/1.1 404 ");
    }

    @Test
    void otherMethodsAre405() throws IOException {
        String response = request("POST", "/");
        assertThat(response).startsWith("HTTP/1.1 405 ").contains("Allow: GET, HEAD\r\n");
        assertThat(request("DELETE", "/index.html")).startsWith("HTTP/1.1 405 ");
    }

    @Test
    void upgradeToSomethingElseIsIgnored() throws IOException {
        // RFC 7230 §6.7: curl --http2 and the JDK HttpClient offer h2c; answer HTTP/1.1.
        try (RawClient raw = RawClient.connect(server.port(), null, 0)) {
            raw.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                    + "Upgrade: h2c\r\nHTTP2-Settings: AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA\r\n\r\n");
            String response = raw.readToEnd();
            assertThat(response).startsWith("HTTP/1.1 200 ");
            assertThat(body(response)).isEqualTo("<h1>hello</h1>");
        }
    }

    @Test
    void webSocketRoutesWorkAlongside() throws IOException {
        try (WebSocketClient client = WebSocketClient.builder().build()) {
            RecordingHandler onClient = new RecordingHandler();
            await(client.connect(Loopback.uri(server, "/ws"), onClient)).send("ws too");
            assertThat(onClient.nextText()).isEqualTo("ws too");
        }
        assertThat(new String(
                        java.net.http.HttpClient.newHttpClient()
                                .sendAsync(
                                        java.net.http.HttpRequest.newBuilder(
                                                        java.net.URI.create("http://127.0.0.1:" + server.port() + "/"))
                                                .build(),
                                        java.net.http.HttpResponse.BodyHandlers.ofByteArray())
                                .orTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
                                .join()
                                .body(),
                        StandardCharsets.UTF_8))
                .isEqualTo("<h1>hello</h1>");
    }
}
