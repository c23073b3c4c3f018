package io.duplex.examples.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The numbers the dashboard shows: open chat connections, open dashboards, messages said (total
 * and per second since the previous snapshot) and the busiest rooms. {@link #snapshot} writes the
 * {@code metrics} message that the server publishes on the {@value #TOPIC} topic every second.
 * Each instance names itself ({@code instance}), so with a shared broker a dashboard can tell the
 * instances apart.
 *
 * <p>Threading: the counters are safe from any thread; {@link #snapshot} is called by one
 * thread at a time (the metrics timer).
 */
final class Metrics {
    static final String TOPIC = "metrics";
    /** Rooms listed in a snapshot. */
    static final int ROOMS_SHOWN = 20;

    private final String instance;
    private final long startedMillis;
    private final AtomicInteger chats = new AtomicInteger();
    private final AtomicInteger dashboards = new AtomicInteger();
    private final LongAdder said = new LongAdder();
    private long previousTotal;
    private long previousMillis;
    private volatile String latest;

    Metrics(String instance, long nowMillis) {
        this.instance = instance;
        this.startedMillis = nowMillis;
        this.previousMillis = nowMillis;
    }

    void chatOpened() {
        chats.incrementAndGet();
    }

    void chatClosed() {
        chats.decrementAndGet();
    }

    void dashboardOpened() {
        dashboards.incrementAndGet();
    }

    void dashboardClosed() {
        dashboards.decrementAndGet();
    }

    void messageSaid() {
        said.increment();
    }

    int chatConnections() {
        return chats.get();
    }

    /** The last snapshot, or {@code null} before the first. */
    String latest() {
        return latest;
    }

    /** Takes a snapshot at {@code nowMillis} and keeps it as {@link #latest()}. */
    String snapshot(Rooms rooms, long nowMillis) {
        long total = said.sum();
        long elapsed = Math.max(1, nowMillis - previousMillis);
        double perSecond = Math.round((total - previousTotal) * 10_000.0 / elapsed) / 10.0;
        previousTotal = total;
        previousMillis = nowMillis;
        List<JsonWriter> busiest = new ArrayList<>();
        for (Rooms.Occupancy o : rooms.occupied(ROOMS_SHOWN)) {
            busiest.add(JsonWriter.object().field("name", o.name()).field("members", o.members()));
        }
        String json = JsonWriter.message("metrics")
                .field("instance", instance)
                .field("ts", nowMillis)
                .field("uptime", (nowMillis - startedMillis) / 1000)
                .field("connections", chats.get())
                .field("dashboards", dashboards.get())
                .field("messagesPerSecond", perSecond)
                .field("messagesTotal", total)
                .objects("rooms", busiest)
                .toString();
        latest = json;
        return json;
    }
}
