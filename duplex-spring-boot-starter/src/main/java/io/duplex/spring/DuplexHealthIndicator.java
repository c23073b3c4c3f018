package io.duplex.spring;

import io.duplex.WebSocketServer;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Actuator health of the Duplex server: UP with its port and open connections while it runs, DOWN
 * otherwise; with a Redis broker, {@code redis} tells whether Redis is reachable (the server keeps
 * serving local subscribers without it, so this does not make it DOWN).
 *
 * <p>Threading: called by the actuator on any thread; reads thread-safe getters only.
 */
public class DuplexHealthIndicator extends AbstractHealthIndicator {
    private final DuplexServer duplex;

    public DuplexHealthIndicator(DuplexServer duplex) {
        super("Duplex health check failed");
        this.duplex = duplex;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        if (!duplex.isRunning()) {
            builder.down().withDetail("running", false);
            return;
        }
        WebSocketServer server = duplex.server();
        builder.up()
                .withDetail("port", server.port())
                .withDetail("connections", server.connectionCount())
                .withDetail("bufferedBytes", server.bufferedBytes());
        RedisSupport.describe(server, builder);
    }
}
