package io.duplex.internal;

import io.duplex.Broker;
import io.duplex.History;
import io.duplex.MetricsListener;
import io.duplex.PresenceEngine;
import io.duplex.PresenceIdentity;
import io.duplex.PresenceOptions;
import io.duplex.RouteMetrics;
import io.duplex.StreamEngine;
import io.duplex.TlsConfig;
import io.duplex.WebSocketConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * A server's configuration, frozen when {@code WebSocketServer.Builder.start()} runs: the builder
 * stays mutable, and nothing done to it afterwards reaches the running server.
 *
 * <p>Threading: immutable (the broker, executor, TLS and static-file objects it names are the
 * application's own and thread-safe by their contracts).
 *
 * @param routes exact path ({@code "*"} for any other path) to route, every route already carrying
 *     its upgrader (its own or the server-wide one)
 * @param prefixRoutes path prefix to route, for paths without an exact route, longest prefix first
 * @param http plain-HTTP routes by path prefix, and the body limit
 * @param handlerExecutor runs handlers instead of the event loops, or null
 * @param tls TLS for every accepted connection, or null for plain TCP
 * @param staticFiles answers non-upgrade GET/HEAD requests, or null
 * @param streamEngine positions and history of the server's streams
 * @param histories the history of each topic
 * @param presenceEngine members and presence events of the server's topics
 * @param presence which topics have presence (null: none)
 * @param presenceIdentity who a connection is, for presence
 * @param maxStreamSubscriptions the most stream subscriptions one socket may hold
 * @param metrics told what the server does, or null; each route gets its {@link RouteMetrics}
 *     (asked for once per route template here)
 */
public record ServerSettings(
        String host,
        int port,
        int backlog,
        int eventLoops,
        WebSocketConfig config,
        Map<String, ServerUpgrade.Route> routes,
        Map<String, ServerUpgrade.Route> prefixRoutes,
        HttpRoutes http,
        Executor handlerExecutor,
        TlsConfig tls,
        StaticFiles staticFiles,
        Broker broker,
        StreamEngine streamEngine,
        TopicPatterns<History> histories,
        PresenceEngine presenceEngine,
        TopicPatterns<PresenceOptions> presence,
        PresenceIdentity presenceIdentity,
        int maxStreamSubscriptions,
        MetricsListener metrics) {

    public ServerSettings {
        Objects.requireNonNull(host);
        Objects.requireNonNull(config);
        Objects.requireNonNull(broker);
        Objects.requireNonNull(streamEngine);
        Objects.requireNonNull(histories);
        Objects.requireNonNull(presenceEngine);
        Objects.requireNonNull(presence);
        Objects.requireNonNull(presenceIdentity);
        // Order does not matter: routes are looked up by exact path, then "*".
        routes = Map.copyOf(named(routes, "", metrics));
        Objects.requireNonNull(http);
        // Longest prefix first, so the most specific one wins.
        Map<String, ServerUpgrade.Route> sorted = new java.util.LinkedHashMap<>();
        named(prefixRoutes, "*", metrics).entrySet().stream()
                .sorted((a, b) ->
                        Integer.compare(b.getKey().length(), a.getKey().length()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        prefixRoutes = java.util.Collections.unmodifiableMap(sorted);
    }

    /**
     * Each route with its template (its key, plus {@code suffix}) and, with a listener, the metrics
     * of that template.
     */
    private static Map<String, ServerUpgrade.Route> named(
            Map<String, ServerUpgrade.Route> routes, String suffix, MetricsListener metrics) {
        Map<String, ServerUpgrade.Route> named = new java.util.LinkedHashMap<>();
        routes.forEach((key, r) -> {
            String template = key + suffix;
            RouteMetrics m = metrics == null ? null : Objects.requireNonNull(metrics.route(template));
            named.put(key, new ServerUpgrade.Route(r.handler(), r.upgrader(), template, m));
        });
        return named;
    }

    /**
     * The route for a request path: the exact one, else the longest prefix it is under, else
     * {@code "*"}, else null (404).
     */
    public ServerUpgrade.Route route(String path) {
        ServerUpgrade.Route r = routes.get(path);
        if (r != null) {
            return r;
        }
        if (!prefixRoutes.isEmpty()) { // even an empty map's entry iterator is an object per request
            for (Map.Entry<String, ServerUpgrade.Route> e : prefixRoutes.entrySet()) {
                if (HttpRoutes.matches(e.getKey(), path)) {
                    return e.getValue();
                }
            }
        }
        return routes.get("*");
    }

    /** Deadlines are checked on a tick; a tenth of the shortest timeout keeps them accurate. */
    public Duration tick() {
        WebSocketConfig c = config;
        long shortest =
                Math.min(c.handshakeTimeout().toMillis(), c.closeTimeout().toMillis());
        shortest = Math.min(shortest, c.pongTimeout().toMillis());
        if (!c.pingInterval().isZero()) {
            shortest = Math.min(shortest, c.pingInterval().toMillis());
        }
        if (!c.idleTimeout().isZero()) {
            shortest = Math.min(shortest, c.idleTimeout().toMillis());
        }
        if (!c.messageTimeout().isZero()) {
            shortest = Math.min(shortest, c.messageTimeout().toMillis());
        }
        return Duration.ofMillis(Math.max(5, Math.min(250, shortest / 10)));
    }
}
