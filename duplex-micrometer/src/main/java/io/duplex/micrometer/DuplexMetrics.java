package io.duplex.micrometer;

import io.duplex.MetricsListener;
import io.duplex.RouteMetrics;
import io.duplex.WebSocketServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The runtime's {@link MetricsListener} on a Micrometer {@link MeterRegistry}: counters per route
 * template (connections opened and closed by code class and side, messages and bytes each way,
 * dropped sends, slow-consumer closes, publishes), a ping round-trip timer, handshakes by status,
 * a timer of the event loops' working time per pass, and — once {@link #bind(WebSocketServer)} is
 * called — gauges for open connections, buffered bytes and connections with permessage-deflate. Every tag value is bounded: route templates (never requested paths), HTTP statuses the
 * server chose, and close codes folded into their RFC 6455 names or classes ({@code 3xxx}, {@code
 * 4xxx}) so a peer cannot mint new series.
 *
 * <pre>{@code
 * DuplexMetrics metrics = new DuplexMetrics(registry);
 * WebSocketServer server = WebSocketServer.builder().metrics(metrics).route("/chat", chat).start();
 * metrics.bind(server);
 * }</pre>
 *
 * <p>Meters are registered when the server starts (one set per route), so a scrape shows zeros
 * before traffic; an event then costs an increment of a meter found at start, no lookup and no
 * allocation (closes and handshakes, once per connection, look their meter up in a small map).
 *
 * <p>Threading: thread-safe; the runtime calls it on its event loops (and on sending threads for
 * drops and publishes), and it never blocks.
 */
public final class DuplexMetrics implements MetricsListener {
    /** The tag value of publishes made through {@link WebSocketServer#publish}, not by a socket. */
    public static final String SERVER_ROUTE = "server";
    /** The route tag of a handshake answered before it was routed. */
    public static final String UNROUTED = "none";

    private final MeterRegistry registry;
    private final String prefix;
    private final Tags tags;
    private final Map<String, Counter> handshakes = new ConcurrentHashMap<>();
    private final Counter serverPublishes;
    private final Counter serverDeliveries;
    private final io.micrometer.core.instrument.Timer loopPasses;

    /** Meters named {@code duplex.*} without extra tags. */
    public DuplexMetrics(MeterRegistry registry) {
        this(registry, "duplex", Tags.empty());
    }

    /**
     * Meters named {@code prefix.*} (e.g. {@code "duplex.client"} for a client), each with {@code
     * tags} added (e.g. {@code server=public} when one registry holds several servers).
     */
    public DuplexMetrics(MeterRegistry registry, String prefix, Iterable<io.micrometer.core.instrument.Tag> tags) {
        this.registry = Objects.requireNonNull(registry);
        this.prefix = Objects.requireNonNull(prefix);
        this.tags = Tags.of(tags);
        this.serverPublishes = counter("publishes", "publishes (server.publish, ws.publish)", SERVER_ROUTE);
        this.serverDeliveries = counter("publish.recipients", "local subscribers publishes reached", SERVER_ROUTE);
        this.loopPasses = io.micrometer.core.instrument.Timer.builder(prefix + ".loop.pass")
                .description("working time of one event-loop pass (after select returned: I/O, tasks, timers, flushes)")
                .tags(tags)
                .register(registry);
    }

    /**
     * Registers gauges read from {@code server}: {@code duplex.connections.open} (those in the
     * handshake included), {@code duplex.buffered.bytes} (outbound batches held) and {@code
     * duplex.deflate.connections} (open connections with permessage-deflate negotiated). The registry
     * keeps only a weak reference to the server. Returns {@code server}.
     */
    public WebSocketServer bind(WebSocketServer server) {
        Gauge.builder(prefix + ".connections.open", server, WebSocketServer::connectionCount)
                .description("open connections, those in the opening handshake included")
                .tags(tags)
                .register(registry);
        Gauge.builder(prefix + ".buffered.bytes", server, WebSocketServer::bufferedBytes)
                .description("bytes held in outbound batches, queued and not yet written")
                .baseUnit("bytes")
                .tags(tags)
                .register(registry);
        Gauge.builder(prefix + ".deflate.connections", server, WebSocketServer::deflateConnections)
                .description("open connections that negotiated permessage-deflate")
                .tags(tags)
                .register(registry);
        return server;
    }

    /** The registry meters go to. */
    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public RouteMetrics route(String template) {
        return new RouteMeters(this, template);
    }

    @Override
    public void handshake(String template, int status) {
        String route = template == null ? UNROUTED : template;
        handshakes
                .computeIfAbsent(route + ' ' + status, k -> Counter.builder(prefix + ".handshakes")
                        .description("opening handshakes answered, by route, status and outcome")
                        .tags(tags)
                        .tag("route", route)
                        .tag("status", Integer.toString(status))
                        .tag("outcome", status == 101 ? "accepted" : "rejected")
                        .register(registry))
                .increment();
    }

    @Override
    public void published(int recipients) {
        serverPublishes.increment();
        serverDeliveries.increment(recipients);
    }

    @Override
    public void loopPass(long nanos) {
        loopPasses.record(nanos, TimeUnit.NANOSECONDS);
    }

    Counter counter(String name, String description, String route) {
        return counter(name, description, route, Tags.empty());
    }

    Counter counter(String name, String description, String route, Tags more) {
        return Counter.builder(prefix + "." + name)
                .description(description)
                .tags(tags)
                .tag("route", route)
                .tags(more)
                .register(registry);
    }

    Counter bytes(String direction, String route) {
        return Counter.builder(prefix + ".bytes")
                .description("WebSocket frame bytes (after TLS, compressed), by direction")
                .baseUnit("bytes")
                .tags(tags)
                .tag("route", route)
                .tag("direction", direction)
                .register(registry);
    }

    io.micrometer.core.instrument.Timer pingTimer(String route) {
        return io.micrometer.core.instrument.Timer.builder(prefix + ".ping.rtt")
                .description("keepalive Ping to Pong round trip")
                .tags(tags)
                .tag("route", route)
                .register(registry);
    }

    /**
     * The tag of a close code: its RFC 6455 number for the registered codes (1000–1015), {@code
     * 3xxx} or {@code 4xxx} for the ranges libraries and applications choose from, {@code other}
     * for anything else (a peer could otherwise make up to 4,000 series per route).
     */
    static String codeTag(int code) {
        if (code >= 1000 && code <= 1015) {
            return Integer.toString(code);
        }
        if (code >= 3000 && code <= 3999) {
            return "3xxx";
        }
        if (code >= 4000 && code <= 4999) {
            return "4xxx";
        }
        return "other";
    }
}
