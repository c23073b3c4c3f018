package io.duplex.examples.chat;

import io.duplex.MetricsListener;
import io.duplex.RouteMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the server itself counts, through the runtime's {@link MetricsListener} — the same events a
 * Prometheus scrape of {@code duplex serve --metrics} is made of (module duplex-micrometer), kept
 * here in plain {@link LongAdder}s because the examples depend on the runtime only. The dashboard
 * reads its connections, message rates, handshakes and drops from here, not from counters of its
 * own in the handlers, so it shows what the server did (a message refused by a full outbound queue
 * included), not what the chat code believes it did.
 *
 * <p>Threading: the runtime calls it on its event loops (drops also on sending threads),
 * concurrently; every method is thread-safe, never blocks and does not allocate once the routes
 * are known (asked once per route when the server starts).
 */
final class ServerMetrics implements MetricsListener {
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder rejected = new LongAdder();

    /** The counters of one route template. Threading: thread-safe. */
    static final class Route implements RouteMetrics {
        private final LongAdder opened = new LongAdder();
        private final LongAdder closed = new LongAdder();
        private final LongAdder in = new LongAdder();
        private final LongAdder out = new LongAdder();
        private final LongAdder dropped = new LongAdder();

        @Override
        public void opened() {
            opened.increment();
        }

        @Override
        public void closed(int code, boolean local) {
            closed.increment();
        }

        @Override
        public void messageIn() {
            in.increment();
        }

        @Override
        public void messageOut() {
            out.increment();
        }

        @Override
        public void messagesOut(int n) {
            out.add(n);
        }

        @Override
        public void dropped() {
            dropped.increment();
        }

        /** Connections open now (upgraded, not yet closed). */
        long open() {
            // Closes first: each close read has its open read too (an open precedes its close),
            // so the difference never counts a connection as closed that was not opened.
            long c = closed.sum();
            return Math.max(0, opened.sum() - c);
        }

        long messagesIn() {
            return in.sum();
        }

        long messagesOut() {
            return out.sum();
        }

        long drops() {
            return dropped.sum();
        }
    }

    @Override
    public RouteMetrics route(String template) {
        return of(template);
    }

    @Override
    public void handshake(String template, int status) {
        (status == 101 ? accepted : rejected).increment();
    }

    /** The counters of {@code template} (a route registered on the server: {@code "/chat"}). */
    Route of(String template) {
        return routes.computeIfAbsent(template, t -> new Route());
    }

    /** Upgrades answered 101. */
    long handshakesAccepted() {
        return accepted.sum();
    }

    /** Upgrade requests answered with an error status (403 from the origin check, 404, 429, 503…). */
    long handshakesRejected() {
        return rejected.sum();
    }

    /** Sends refused on every route ({@link io.duplex.SendResult#DROPPED}). */
    long drops() {
        long n = 0;
        for (Route r : routes.values()) {
            n += r.drops();
        }
        return n;
    }
}
