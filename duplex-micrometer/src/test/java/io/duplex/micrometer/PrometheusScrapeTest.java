package io.duplex.micrometer;

import static io.duplex.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import io.duplex.testkit.RecordingHandler;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_33_0.Metrics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What Prometheus scrapes: the Prometheus registry's own text output, parsed line by line by a
 * strict parser of the text format ({@link PrometheusText}), and the same registry's protobuf
 * output parsed by the Prometheus client's generated protobuf classes (a parser we did not write);
 * both must agree.
 */
class PrometheusScrapeTest {
    static final String PROTOBUF =
            "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    WebSocketServer server;
    WebSocketClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aScrapeParsesAndAgreesWithTheProtobufExposition() throws IOException {
        DuplexMetrics metrics = new DuplexMetrics(registry);
        server = metrics.bind(Loopback.server()
                .metrics(metrics)
                .route("/echo", WebSocketHandler.echo())
                .start());
        client = WebSocketClient.builder().build();
        RecordingHandler handler = new RecordingHandler();
        WebSocket ws = await(client.connect(Loopback.uri(server, "/echo"), handler));
        for (int i = 0; i < 3; i++) {
            ws.send("say \"" + i + "\"");
            handler.nextText();
        }
        // While open: the client negotiated permessage-deflate (our client offers it by default).
        PrometheusText.Scrape open = PrometheusText.parse(registry.scrape());
        assertThat(open.types()).containsEntry("duplex_deflate_connections", "gauge");
        assertThat(open.value("duplex_deflate_connections")).isEqualTo(1.0);
        ws.close(1000, "bye");
        handler.awaitClose();
        Await.eventually("the server saw the close", () -> server.connectionCount() == 0);
        Await.eventually(
                "the close counted",
                () -> registry.find("duplex.connections.closed").counter() != null);

        PrometheusText.Scrape text = PrometheusText.parse(registry.scrape());
        assertThat(text.types()).containsEntry("duplex_messages_total", "counter");
        assertThat(text.types()).containsEntry("duplex_connections_open", "gauge");
        assertThat(text.value("duplex_messages_total", "route", "/echo", "direction", "in"))
                .isEqualTo(3.0);
        assertThat(text.value("duplex_messages_total", "route", "/echo", "direction", "out"))
                .isEqualTo(3.0);
        assertThat(text.value("duplex_handshakes_total", "route", "/echo", "status", "101", "outcome", "accepted"))
                .isEqualTo(1.0);
        assertThat(text.value("duplex_connections_closed_total", "route", "/echo", "code", "1000", "side", "remote"))
                .isEqualTo(1.0);
        assertThat(text.value("duplex_connections_open")).isEqualTo(0.0);
        assertThat(text.value("duplex_deflate_connections")).isEqualTo(0.0);
        // The loops' working time: a summary-typed timer in seconds, with passes counted.
        assertThat(text.types()).containsEntry("duplex_loop_pass_seconds", "summary");
        assertThat(text.value("duplex_loop_pass_seconds_count")).isGreaterThan(0.0);
        assertThat(text.value("duplex_loop_pass_seconds_sum")).isGreaterThan(0.0);
        assertThat(text.value("duplex_ping_rtt_seconds_count", "route", "/echo"))
                .isEqualTo(0.0);
        assertThat(text.value("duplex_bytes_total", "route", "/echo", "direction", "in"))
                .isGreaterThan(3 * 13.0);

        // Every duplex counter the text shows, the protobuf exposition shows with the same value.
        Map<String, Double> fromProtobuf = protobufCounters();
        Map<String, Double> fromText = new HashMap<>();
        text.samples().forEach((series, value) -> {
            if (series.name().startsWith("duplex_") && series.name().endsWith("_total")) {
                String family = series.name().substring(0, series.name().length() - "_total".length());
                fromText.put(family + series.labels(), value);
            }
        });
        assertThat(fromText).isNotEmpty().isEqualTo(fromProtobuf);
    }

    /** Counters of the protobuf exposition, keyed as {@code family{labels}}. */
    Map<String, Double> protobufCounters() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        registry.scrape(out, PROTOBUF);
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        Map<String, Double> counters = new HashMap<>();
        Metrics.MetricFamily family;
        while ((family = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
            if (family.getType() != Metrics.MetricType.COUNTER
                    || !family.getName().startsWith("duplex_")) {
                continue;
            }
            String name = family.getName().replaceFirst("_total$", "");
            for (Metrics.Metric m : family.getMetricList()) {
                Map<String, String> labels = new TreeMap<>();
                m.getLabelList().forEach(l -> labels.put(l.getName(), l.getValue()));
                counters.put(name + labels, m.getCounter().getValue());
            }
        }
        return counters;
    }
}
