package io.duplex.micrometer;

import io.duplex.RouteMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The meters of one route template, registered once when the server starts.
 *
 * <p>Threading: thread-safe (Micrometer's meters are); never blocks.
 */
final class RouteMeters implements RouteMetrics {
    private final DuplexMetrics owner;
    private final String route;
    private final Counter opened;
    private final Counter messagesIn;
    private final Counter messagesOut;
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Counter dropped;
    private final Counter slowConsumers;
    private final Counter publishes;
    private final Counter recipients;
    private final Timer pingRtt;
    /** Closes by "code side": looked up once per connection, registered on first use. */
    private final Map<String, Counter> closed = new ConcurrentHashMap<>();

    RouteMeters(DuplexMetrics owner, String route) {
        this.owner = owner;
        this.route = route;
        this.opened = owner.counter("connections.opened", "connections upgraded", route);
        this.messagesIn = owner.counter("messages", "data messages, by direction", route, Tags.of("direction", "in"));
        this.messagesOut = owner.counter("messages", "data messages, by direction", route, Tags.of("direction", "out"));
        this.bytesIn = owner.bytes("in", route);
        this.bytesOut = owner.bytes("out", route);
        this.dropped = owner.counter("sends.dropped", "sends answered DROPPED", route);
        this.slowConsumers =
                owner.counter("slow.consumer.closes", "connections closed for not reading (1008, 1013)", route);
        this.publishes = owner.counter("publishes", "publishes (server.publish, ws.publish)", route);
        this.recipients = owner.counter("publish.recipients", "local subscribers publishes reached", route);
        this.pingRtt = owner.pingTimer(route);
    }

    @Override
    public void opened() {
        opened.increment();
    }

    @Override
    public void closed(int code, boolean local) {
        String codeTag = DuplexMetrics.codeTag(code);
        String side = local ? "local" : "remote";
        closed.computeIfAbsent(
                        codeTag + ' ' + side,
                        k -> owner.counter(
                                "connections.closed",
                                "connections closed, by close code and the side that closed first",
                                route,
                                Tags.of("code", codeTag, "side", side)))
                .increment();
    }

    @Override
    public void messageIn() {
        messagesIn.increment();
    }

    @Override
    public void messageOut() {
        messagesOut.increment();
    }

    @Override
    public void messagesOut(int n) {
        messagesOut.increment(n);
    }

    @Override
    public void bytesIn(int bytes) {
        bytesIn.increment(bytes);
    }

    @Override
    public void bytesOut(int bytes) {
        bytesOut.increment(bytes);
    }

    @Override
    public void dropped() {
        dropped.increment();
    }

    @Override
    public void slowConsumerClosed() {
        slowConsumers.increment();
    }

    @Override
    public void published(int n) {
        publishes.increment();
        recipients.increment(n);
    }

    @Override
    public void pingRoundTrip(long nanos) {
        pingRtt.record(nanos, TimeUnit.NANOSECONDS);
    }
}
