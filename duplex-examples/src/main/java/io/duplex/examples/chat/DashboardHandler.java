package io.duplex.examples.chat;

import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;

/**
 * The {@code /metrics} endpoint for {@code dashboard.html}: subscribes each connection to the
 * {@value Metrics#TOPIC} topic and sends the latest snapshot at once, so the page shows numbers
 * before the next tick. Read-only: whatever the page sends is ignored. Dashboards are counted by the
 * server (the route's {@link ServerMetrics}), not here.
 *
 * <p>Threading: stateless apart from the shared {@link Metrics}; callbacks run on the loops.
 */
final class DashboardHandler implements WebSocketHandler {
    private final Metrics metrics;

    DashboardHandler(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void onOpen(WebSocket ws) {
        ws.subscribe(Metrics.TOPIC);
        String latest = metrics.latest();
        if (latest != null) {
            ws.send(latest);
        }
    }
}
