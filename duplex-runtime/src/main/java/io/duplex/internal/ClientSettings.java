package io.duplex.internal;

import io.duplex.ProxyConfig;
import io.duplex.ReconnectPolicy;
import io.duplex.RouteMetrics;
import io.duplex.Scheduler;
import io.duplex.TlsConfig;
import io.duplex.WebSocketConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;

/**
 * A client's configuration, frozen when {@code WebSocketClient.Builder.build()} runs: the builder
 * stays mutable, and nothing done to it afterwards reaches the client or its connections.
 *
 * <p>Threading: immutable (the executor, TLS, scheduler and random objects it names are the
 * application's own).
 *
 * @param handlerExecutor runs handlers instead of the event loop, or null
 * @param tls TLS for {@code wss://}, or null for the JDK trust store with hostname verification
 * @param origin the {@code Origin} header to send, or null
 * @param headers added to every upgrade request, in the order they were given
 * @param proxy an HTTP CONNECT proxy, or null
 * @param reconnect the reconnection policy, or null for none
 * @param scheduler times reconnection attempts, or null for the client's event loop
 * @param metrics the metrics of the client's connections (route template {@code "client"}), or null
 */
public record ClientSettings(
        WebSocketConfig config,
        int eventLoops,
        Executor handlerExecutor,
        TlsConfig tls,
        String origin,
        Map<String, String> headers,
        ProxyConfig proxy,
        ReconnectPolicy reconnect,
        Scheduler scheduler,
        RandomGenerator random,
        long queueWhileReconnecting,
        RouteMetrics metrics) {

    public ClientSettings {
        Objects.requireNonNull(config);
        // Not Map.copyOf: headers go on the wire in the order the application added them.
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }
}
