import io.duplex.WebSocketServer;
import io.duplex.socketio.SocketIoServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The Duplex side of socketio-bench.sh (run as a single-file program on the built classes): the
 * same handlers as node-server.js. Prints "READY <port>".
 *
 * <p>Threading: handlers run on each client's session queue; nothing here is shared but the server.
 */
public class SocketIoBenchServer {
    public static void main(String[] args) throws Exception {
        SocketIoServer io = SocketIoServer.builder().build();
        io.sockets().on("connection", s -> {
            s.on("echo", (a, ack) -> {
                if (ack != null) {
                    ack.send(a.toArray());
                }
            });
            s.on("bcast", (a, ack) -> {
                int n = ((Number) a.get(0)).intValue();
                for (int i = 0; i < n; i++) {
                    io.sockets().emit("tick", a.get(1));
                }
                ack.send();
            });
            s.on("mem", (a, ack) -> {
                System.gc();
                Runtime r = Runtime.getRuntime();
                ack.send(Map.of("rss", rss(), "heap", r.totalMemory() - r.freeMemory()));
            });
        });
        WebSocketServer server = io.attach(WebSocketServer.builder()
                        .host("127.0.0.1")
                        .port(Integer.parseInt(args[0])))
                .start();
        System.out.println("READY " + server.port());
    }

    static long rss() {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/status"));
        } catch (IOException e) {
            return -1;
        }
        for (String line : lines) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
