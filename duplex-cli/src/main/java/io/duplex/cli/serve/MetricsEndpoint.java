package io.duplex.cli.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.duplex.WebSocketServer;
import io.duplex.micrometer.DuplexMetrics;
import io.duplex.micrometer.RedisBrokerMetrics;
import io.duplex.redis.RedisBroker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * {@code duplex serve --metrics PORT}: the server's {@link DuplexMetrics} on a Prometheus registry,
 * answered as Prometheus text (format 0.0.4) on {@code http://HOST:PORT/metrics} by the JDK's
 * {@code com.sun.net.httpserver} on a thread of its own (a scrape never runs on an event loop);
 * other paths get 404, methods other than GET and HEAD 405.
 *
 * <p>Threading: {@link #start}, {@link #bind} and {@link #close} from the command's thread; scrapes
 * on the endpoint's own thread.
 */
final class MetricsEndpoint implements AutoCloseable {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final DuplexMetrics metrics = new DuplexMetrics(registry);
    private final HttpServer http;

    private MetricsEndpoint(HttpServer http) {
        this.http = http;
    }

    /** Listens on {@code host:port} (0: any free port) and starts answering. */
    static MetricsEndpoint start(String host, int port) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 16);
        MetricsEndpoint endpoint = new MetricsEndpoint(http);
        http.createContext("/", endpoint::handle);
        http.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "duplex-metrics");
            t.setDaemon(true);
            return t;
        }));
        http.start();
        return endpoint;
    }

    /** The listener to set on the server's builder. */
    DuplexMetrics metrics() {
        return metrics;
    }

    /** Adds the started server's gauges, and the Redis broker's counters when it has one. */
    void bind(WebSocketServer server) {
        metrics.bind(server);
        if (server.broker() instanceof RedisBroker redis) {
            RedisBrokerMetrics.bind(redis, registry);
        }
    }

    int port() {
        return http.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!exchange.getRequestURI().getPath().equals("/metrics")) {
                answer(exchange, 404, "not found: try /metrics\n", false);
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                answer(exchange, 405, "GET or HEAD\n", false);
            } else {
                exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
                answer(exchange, 200, registry.scrape(), method.equals("HEAD"));
            }
        }
    }

    private static void answer(HttpExchange exchange, int status, String body, boolean head) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (head) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops answering (waiting at most a second for a scrape in progress). */
    @Override
    public void close() {
        http.stop(1);
        ((java.util.concurrent.ExecutorService) http.getExecutor()).shutdownNow();
    }
}
