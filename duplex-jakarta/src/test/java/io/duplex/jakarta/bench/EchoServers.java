package io.duplex.jakarta.bench;

import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import io.duplex.jakarta.JakartaEndpoints;
import io.duplex.jakarta.JakartaServer;
import io.duplex.jakarta.samples.EchoEndpoint;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.glassfish.tyrus.server.Server;

/**
 * The echo servers of {@code duplex-benchmarks/scripts/jakarta-echo.sh}, run from this module's
 * test class path: {@code java -cp ... io.duplex.jakarta.bench.EchoServers MODE [eventLoops]}
 * prints {@code READY port=N} and serves until killed.
 *
 * <ul>
 *   <li>{@code jakarta}: {@link EchoEndpoint} (the spec's hello: the return value is the answer) on
 *       {@link JakartaServer}, endpoints on its default handler executor;
 *   <li>{@code jakarta-loop}: the same endpoint added with {@link JakartaEndpoints#addTo} to a
 *       server without a handler executor, so it runs on the event loop (async sends only);
 *   <li>{@code native}: {@link WebSocketHandler#echo()} on a Duplex server;
 *   <li>{@code tyrus}: the same {@link EchoEndpoint} on Tyrus (standalone Grizzly).
 * </ul>
 */
public final class EchoServers {
    private EchoServers() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "jakarta";
        int loops = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Runnable stop;
        int port;
        switch (mode) {
            case "jakarta" -> {
                JakartaServer s = JakartaServer.builder()
                        .host("127.0.0.1")
                        .port(0)
                        .eventLoops(loops)
                        .endpoint(EchoEndpoint.class)
                        .start();
                port = s.port();
                stop = () -> s.stop(Duration.ofSeconds(1));
            }
            case "jakarta-loop" -> {
                JakartaEndpoints endpoints =
                        JakartaEndpoints.builder().endpoint(EchoEndpoint.class).build();
                WebSocketServer s = endpoints
                        .addTo(WebSocketServer.builder()
                                .host("127.0.0.1")
                                .port(0)
                                .eventLoops(loops))
                        .start();
                port = s.port();
                stop = () -> s.stop(Duration.ofSeconds(1));
            }
            case "native" -> {
                WebSocketServer s = WebSocketServer.builder()
                        .host("127.0.0.1")
                        .port(0)
                        .eventLoops(loops)
                        .route("/echo", WebSocketHandler.echo())
                        .start();
                port = s.port();
                stop = () -> s.stop(Duration.ofSeconds(1));
            }
            case "tyrus" -> {
                // -1: an ephemeral port (Tyrus takes 0 as its default, 8025).
                Server s = new Server("127.0.0.1", -1, "/", Map.of(), EchoEndpoint.class);
                s.start();
                port = s.getPort();
                stop = s::stop;
            }
            default -> throw new IllegalArgumentException("mode: jakarta, jakarta-loop, native or tyrus");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(stop));
        System.out.println("READY port=" + port);
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
