package io.duplex.cli;

import static io.duplex.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.testkit.Await;
import io.duplex.testkit.RecordingHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code duplex serve --metrics PORT}: Prometheus text on /metrics while the server runs. */
class ServeMetricsTest {
    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> get(int port, String method, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The value of the sample line that is exactly {@code series} (name and labels as printed). */
    static double sample(String text, String series) {
        List<String> lines = Arrays.stream(text.split("\n"))
                .filter(l -> l.startsWith(series + " "))
                .toList();
        assertThat(lines).as(series).hasSize(1);
        return Double.parseDouble(lines.get(0).substring(series.length() + 1));
    }

    @Test
    void echoTrafficIsScrapedAsPrometheusText() throws Exception {
        RunningServe serve = RunningServe.start("--echo", "--quiet", "--metrics", "0");
        int port = serve.command().metricsPort();
        assertThat(port).isPositive();
        try (WebSocketClient client = WebSocketClient.builder().build()) {
            RecordingHandler handler = new RecordingHandler();
            WebSocket ws = await(client.connect(serve.uri("/anything/user-42"), handler));
            ws.send("one");
            ws.send("two");
            assertThat(handler.nextText()).isEqualTo("one");
            assertThat(handler.nextText()).isEqualTo("two");

            HttpResponse<String> scrape = get(port, "GET", "/metrics");
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type"))
                    .hasValue("text/plain; version=0.0.4; charset=utf-8");
            String text = scrape.body();
            assertThat(text).contains("# TYPE duplex_messages_total counter");
            // Every path is the "*" route: the tag is the template, never /anything/user-42.
            assertThat(sample(text, "duplex_messages_total{direction=\"in\",route=\"*\"}"))
                    .isEqualTo(2.0);
            assertThat(sample(text, "duplex_messages_total{direction=\"out\",route=\"*\"}"))
                    .isEqualTo(2.0);
            assertThat(sample(text, "duplex_handshakes_total{outcome=\"accepted\",route=\"*\",status=\"101\"}"))
                    .isEqualTo(1.0);
            assertThat(sample(text, "duplex_connections_open")).isEqualTo(1.0);
            // serve compresses by default and our client offers permessage-deflate.
            assertThat(ws.extensions()).anyMatch(e -> e.startsWith("permessage-deflate"));
            assertThat(sample(text, "duplex_deflate_connections")).isEqualTo(1.0);
            assertThat(text).contains("# TYPE duplex_loop_pass_seconds summary");
            assertThat(sample(text, "duplex_loop_pass_seconds_count")).isPositive();
            assertThat(text).contains("# TYPE duplex_ping_rtt_seconds summary");
            assertThat(text).doesNotContain("user-42");

            ws.close(1000, "bye");
            handler.awaitClose();
            Await.eventually("the server empty", () -> serve.server().connectionCount() == 0);
            String after = get(port, "GET", "/metrics").body();
            assertThat(sample(after, "duplex_connections_closed_total{code=\"1000\",route=\"*\",side=\"remote\"}"))
                    .isEqualTo(1.0);
            assertThat(sample(after, "duplex_connections_open")).isEqualTo(0.0);
            assertThat(sample(after, "duplex_deflate_connections")).isEqualTo(0.0);

            assertThat(get(port, "GET", "/other").statusCode()).isEqualTo(404);
            assertThat(get(port, "POST", "/metrics").statusCode()).isEqualTo(405);
            assertThat(get(port, "HEAD", "/metrics").statusCode()).isEqualTo(200);
        }
        Cli.Result result = serve.stop();
        assertThat(result.exit()).isEqualTo(ExitCode.OK);
        assertThat(result.err()).contains("metrics on http://127.0.0.1:" + port + "/metrics");
        // Stopped with the server: the port no longer answers.
        assertThat(Await.catchFailure(http.sendAsync(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())))
                .isInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void aBadPortIsAUsageError() {
        ServeCommandTest.assertUsage("--metrics must be a port", "serve", "--metrics", "70000");
    }
}
