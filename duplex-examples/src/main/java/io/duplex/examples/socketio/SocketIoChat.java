package io.duplex.examples.socketio;

import io.duplex.InMemoryBroker;
import io.duplex.WebSocketConfig;
import io.duplex.WebSocketServer;
import io.duplex.handshake.OriginPolicy;
import io.duplex.socketio.SocketIoServer;
import java.io.PrintStream;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The Socket.IO chat demo: a small chat on duplex-socketio, in the Socket.IO idiom, next to the
 * plain-WebSocket chat of {@code io.duplex.examples.chat}. A page connects with its nickname in
 * the handshake's {@code auth} (checked by a namespace middleware, {@link NickCheck}), joins a
 * room (the ack returns the room's last {@value #HISTORY} messages), sends messages (each one
 * acknowledged to its sender as stored, with id, time and nick, and sent to the others in the
 * room), sees who is typing and how many are in the room ({@link ChatEvents}). Connection state
 * recovery is on: a page whose connection drops for up to {@link #RECOVERY} comes back as the
 * same socket, in its room, and is sent what it missed ({@code socket.recovered} on the page).
 * The page ({@code /}, plain HTML, CSS and JS from the classpath) is served by the same server;
 * it loads the official socket.io browser client from the Socket.IO CDN.
 *
 * <pre>{@code
 * try (SocketIoChat chat = SocketIoChat.start(8080)) {
 *     // open http://localhost:8080/ in two browsers
 * }
 * }</pre>
 *
 * <p>Everything is in this process's memory (rooms, history, recovery): one node.
 *
 * <p>Threading: safe from any thread.
 */
public final class SocketIoChat implements AutoCloseable {
    /** The classpath folder of the page. */
    static final String PAGES = "io/duplex/examples/socketio/public";
    /** Messages kept per room, for the pages that join it. */
    static final int HISTORY = 50;
    /** Rooms at most (made by joining them, kept while the server runs). */
    static final int MAX_ROOMS = 1_000;
    /** How long a dropped page's socket, rooms and missed events are kept for it. */
    public static final Duration RECOVERY = Duration.ofMinutes(2);
    /**
     * The largest Engine.IO message or polling body: a {@value ChatEvents#MAX_TEXT}-character
     * message is at most ~6 KB of UTF-8 with its packet, and a poll carries a few; the longer
     * ones the server still answers with an ack error fit too, while anything far larger ends the
     * session as the reference server would.
     */
    static final int MAX_PACKET_BYTES = 64 * 1024;

    private final InMemoryBroker broker = new InMemoryBroker();
    private final SocketIoServer io;
    private final WebSocketServer server;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private SocketIoChat(String host, int port, Set<String> allowedOrigins) {
        this.io = SocketIoServer.builder()
                .broker(broker)
                .connectionStateRecovery(RECOVERY)
                .maxHttpBufferSize(MAX_PACKET_BYTES)
                .allowedOrigins(allowedOrigins)
                .build();
        ChatEvents events = new ChatEvents(io.sockets(), new RoomLogs(HISTORY, MAX_ROOMS), InstantSource.system());
        io.sockets().use(new NickCheck()).on("connection", events::connected);
        // The WebSocket transport is checked by the server's own Origin policy: the same origins.
        WebSocketConfig config = WebSocketConfig.DEFAULT.toBuilder()
                .originPolicy(originPolicy(allowedOrigins))
                .build();
        try {
            this.server = io.attach(WebSocketServer.builder()
                            .host(host)
                            .port(port)
                            .config(config)
                            .staticResources(PAGES))
                    .start();
        } catch (RuntimeException e) {
            io.close();
            broker.close();
            throw e;
        }
    }

    /** Starts the demo on {@code port} (0: any free one) of every interface, same-origin pages only. */
    public static SocketIoChat start(int port) {
        return start("0.0.0.0", port, Set.of());
    }

    /**
     * Starts the demo on {@code host}:{@code port}; pages from {@code allowedOrigins} may connect
     * too (their own origin always may).
     */
    public static SocketIoChat start(String host, int port, Set<String> allowedOrigins) {
        return new SocketIoChat(host, port, allowedOrigins);
    }

    private static OriginPolicy originPolicy(Set<String> allowedOrigins) {
        OriginPolicy same = OriginPolicy.sameOrigin();
        if (allowedOrigins.isEmpty()) {
            return same;
        }
        OriginPolicy listed = OriginPolicy.allowList(allowedOrigins);
        return (origin, host) -> same.allows(origin, host) || listed.allows(origin, host);
    }

    /** The bound port. */
    public int port() {
        return server.port();
    }

    /** The page's address on this machine. */
    public String url() {
        return "http://localhost:" + port() + "/";
    }

    /** Stops serving: the server (at most 2 s), then the Socket.IO sessions and the broker. */
    @Override
    public synchronized void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        server.stop(Duration.ofSeconds(2));
        io.close();
        broker.close();
        stopped.countDown();
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** {@code --port N} (8080), {@code --host H} (0.0.0.0), {@code --allow-origin O} (repeatable). */
    public static void main(String[] args) throws InterruptedException {
        String host = "0.0.0.0";
        int port = 8080;
        Set<String> origins = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                usage(System.out);
                return;
            }
            String value = i + 1 < args.length ? args[++i] : null;
            try {
                switch (arg) {
                    case "--port" -> port = Integer.parseInt(String.valueOf(value));
                    case "--host" -> host = required(value, arg);
                    case "--allow-origin" -> origins.add(required(value, arg));
                    default -> throw new IllegalArgumentException("unknown option: " + arg);
                }
            } catch (IllegalArgumentException e) { // NumberFormatException too
                System.err.println(e instanceof NumberFormatException ? "--port needs a number" : e.getMessage());
                usage(System.err);
                System.exit(2);
                return;
            }
        }
        SocketIoChat chat = start(host, port, origins);
        Runtime.getRuntime().addShutdownHook(new Thread(chat::close, "socketio-chat-shutdown"));
        System.out.println("Duplex Socket.IO chat on " + chat.url());
        chat.awaitStop();
    }

    private static String required(String value, String option) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private static void usage(PrintStream out) {
        out.println("usage: SocketIoChat [--port 8080] [--host 0.0.0.0] [--allow-origin https://example.com]...");
    }
}
