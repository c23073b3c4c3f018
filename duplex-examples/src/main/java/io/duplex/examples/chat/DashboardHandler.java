package io.duplex.examples.chat;

import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;

/**
 * The {@code /metrics} endpoint for {@code dashboard.html}: subscribes each connection to the
 * {@value Metrics#TOPIC} topic and sends the latest snapshot at once, so the page shows numbers
 * before the next tick. Read-only: whatever the page sends is ignored.
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
        metrics.dashboardOpened();
        ws.subscribe(Metrics.TOPIC);
        String latest = metrics.latest();
        if (latest != null) {
            ws.send(latest);
        }
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
        metrics.dashboardClosed();
    }
}
