package io.duplex.hostile;

import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A child JVM for {@link OutboundMemoryTest}, started with a small {@code -XX:MaxDirectMemorySize}:
 * a server on an OS-chosen port that subscribes every connection to one topic and broadcasts a
 * 128-byte message about every 50 µs (one or a few per loop pass, the pattern that used to pin a
 * 16 KiB batch per message for a peer that does not read). Prints {@code READY port}; answers each
 * line {@code stats} on stdin with {@code STATS connections maxDirectBytes}; ends on {@code stop}
 * or end of input.
 *
 * <p>Threading: main thread reads commands; one thread publishes; one samples direct memory.
 */
final class CappedBroadcastServer {
    private CappedBroadcastServer() {}

    public static void main(String[] args) throws Exception {
        WebSocketServer server = WebSocketServer.builder()
                .host("127.0.0.1")
                .port(0)
                .eventLoops(2)
                .route("/ws", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        ws.subscribe("feed");
                    }
                })
                .start();
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct"))
                .findFirst()
                .orElseThrow();
        AtomicLong maxDirect = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (true) {
                maxDirect.accumulateAndGet(direct.getMemoryUsed(), Math::max);
                LockSupport.parkNanos(1_000_000);
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        String message = "x".repeat(128);
        Thread publisher = new Thread(() -> {
            while (true) {
                server.publish("feed", message);
                LockSupport.parkNanos(50_000); // the load's pace, not a wait on anything
            }
        });
        publisher.setDaemon(true);
        publisher.start();
        System.out.println("READY " + server.port());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String line;
        while ((line = in.readLine()) != null && !line.equals("stop")) {
            if (line.equals("stats")) {
                System.out.println("STATS " + server.connectionCount() + " " + maxDirect.get());
                System.out.flush();
            }
        }
        server.stop(Duration.ofSeconds(2));
        System.exit(0);
    }
}
