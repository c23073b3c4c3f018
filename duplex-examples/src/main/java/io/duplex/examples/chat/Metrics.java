package io.duplex.examples.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The numbers the dashboard shows. What the server did comes from its {@link ServerMetrics} (the
 * runtime's metrics listener, the source a Prometheus scrape is made of): open chat connections
 * and dashboards (routes {@code /chat} and {@code /metrics}), chat messages in and out per second,
 * handshakes accepted and rejected, sends dropped. What only the chat knows is counted here:
 * messages said (total and per second) and the busiest rooms. Rates are over the time since the
 * previous snapshot. {@link #snapshot} writes the {@code metrics} message that the server publishes
 * on the {@value #TOPIC} topic every second. Each instance names itself ({@code instance}), so
 * with a shared broker a dashboard can tell the instances apart.
 *
 * <p>Threading: {@link #messageSaid} is safe from any thread; {@link #snapshot} is called by one
 * thread at a time (the metrics timer).
 */
final class Metrics {
    static final String TOPIC = "metrics";
    /** Rooms listed in a snapshot. */
    static final int ROOMS_SHOWN = 20;

    /** The routes whose counters the dashboard shows (as registered on the server). */
    static final String CHAT_ROUTE = "/chat";

    static final String DASHBOARD_ROUTE = "/metrics";

    private final String instance;
    private final long startedMillis;
    private final ServerMetrics server;
    private final LongAdder said = new LongAdder();
    private long previousSaid;
    private long previousIn;
    private long previousOut;
    private long previousMillis;
    private volatile String latest;

    Metrics(String instance, long nowMillis, ServerMetrics server) {
        this.instance = instance;
        this.startedMillis = nowMillis;
        this.previousMillis = nowMillis;
        this.server = server;
    }

    void messageSaid() {
        said.increment();
    }

    /** Open chat connections, as the server counts them (dashboards not counted). */
    int chatConnections() {
        return (int) server.of(CHAT_ROUTE).open();
    }

    /** The last snapshot, or {@code null} before the first. */
    String latest() {
        return latest;
    }

    /** Takes a snapshot at {@code nowMillis} and keeps it as {@link #latest()}. */
    String snapshot(Rooms rooms, long nowMillis) {
        ServerMetrics.Route chat = server.of(CHAT_ROUTE);
        long total = said.sum();
        long in = chat.messagesIn();
        long out = chat.messagesOut();
        long elapsed = Math.max(1, nowMillis - previousMillis);
        double perSecond = rate(total - previousSaid, elapsed);
        double inPerSecond = rate(in - previousIn, elapsed);
        double outPerSecond = rate(out - previousOut, elapsed);
        previousSaid = total;
        previousIn = in;
        previousOut = out;
        previousMillis = nowMillis;
        List<JsonWriter> busiest = new ArrayList<>();
        for (Rooms.Occupancy o : rooms.occupied(ROOMS_SHOWN)) {
            busiest.add(JsonWriter.object().field("name", o.name()).field("members", o.members()));
        }
        String json = JsonWriter.message("metrics")
                .field("instance", instance)
                .field("ts", nowMillis)
                .field("uptime", (nowMillis - startedMillis) / 1000)
                .field("connections", chat.open())
                .field("dashboards", server.of(DASHBOARD_ROUTE).open())
                .field("messagesPerSecond", perSecond)
                .field("messagesTotal", total)
                .field("messagesInPerSecond", inPerSecond)
                .field("messagesOutPerSecond", outPerSecond)
                .field("handshakes", server.handshakesAccepted())
                .field("handshakesRejected", server.handshakesRejected())
                .field("dropped", server.drops())
                .objects("rooms", busiest)
                .toString();
        latest = json;
        return json;
    }

    /** Events per second, one decimal. */
    private static double rate(long events, long elapsedMillis) {
        return Math.round(events * 10_000.0 / elapsedMillis) / 10.0;
    }
}
