package io.duplex.cli.demo;

import io.duplex.Broker;
import io.duplex.PresenceEngine;
import io.duplex.StreamEngine;
import io.duplex.cli.Console;
import io.duplex.cli.ExitCode;
import io.duplex.cli.Usage;
import io.duplex.cli.VersionProvider;
import io.duplex.cli.options.ListenOptions;
import io.duplex.cli.options.RedisOption;
import io.duplex.examples.chat.ChatOptions;
import io.duplex.examples.chat.ChatServer;
import io.duplex.examples.socketio.SocketIoChat;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code duplex demo}: the browser chat demo (rooms, presence, history, reconnection) and the live
 * dashboard, on http://localhost:8080 with the in-memory broker; with {@code --redis} several
 * instances share rooms. With {@code --socketio}, the small Socket.IO chat ({@link SocketIoChat})
 * instead, on the same port, one node.
 *
 * <p>Threading: {@link #call()} blocks until SIGINT/SIGTERM.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Runs the browser chat demo and its live dashboard, or (--socketio) the Socket.IO chat demo.", ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  duplex demo                      # then open http://localhost:8080",
            "  duplex demo --port 8081 --redis redis://localhost:6379   # a second node sharing rooms",
            "  duplex demo --socketio           # the Socket.IO chat on http://localhost:8080"
        })
public final class DemoCommand implements Callable<Integer> {
    @Mixin
    ListenOptions listen = new ListenOptions();

    @Mixin
    RedisOption redis = new RedisOption();

    @Option(
            names = "--origin",
            paramLabel = "ORIGIN",
            description = "Also allow pages from this origin (repeatable; same-origin is always allowed).")
    List<String> origins = new ArrayList<>();

    @Option(
            names = "--socketio",
            description = "Run the Socket.IO chat demo instead (duplex-socketio: rooms, acks, connection state"
                    + " recovery; one node, so no --redis).")
    boolean socketio;

    @Spec
    CommandSpec spec;

    private final Console console;

    public DemoCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() throws InterruptedException {
        int port = listen.port();
        if (socketio) {
            if (redis.uri() != null) {
                // Its rooms' history and member counts live in the process: nothing to share.
                throw Usage.error(spec, "--socketio runs on one node: it does not take --redis");
            }
            return socketIoChat(port);
        }
        Broker broker = null;
        StreamEngine engine = null;
        PresenceEngine presence = null;
        if (redis.uri() != null) {
            // Typing goes through the broker; messages and their history through the stream
            // engine, member lists and nick uniqueness through the presence engine: every node
            // serves the same history and members, and pages resume on any node.
            try {
                broker = redis.connect();
                engine = redis.connectStreams();
                presence = redis.connectPresence();
            } catch (RuntimeException e) {
                console.err().println("duplex: cannot use Redis at " + redis.uri() + ": " + e.getMessage());
                closeQuietly(broker, engine, presence);
                return ExitCode.FAILURE;
            }
        }
        ChatServer server;
        try {
            ChatOptions.Builder options = ChatOptions.builder()
                    .host(listen.host())
                    .port(port)
                    .broker(broker)
                    .allowedOrigins(origins);
            if (engine != null) {
                options.streamEngine(engine);
            }
            if (presence != null) {
                options.presenceEngine(presence);
            }
            server = ChatServer.start(options.build());
        } catch (RuntimeException e) {
            console.err().println("duplex: " + e.getMessage());
            closeQuietly(broker, engine, presence);
            return ExitCode.FAILURE;
        }
        Broker toClose = broker;
        StreamEngine engineToClose = engine;
        PresenceEngine presenceToClose = presence;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.stop();
                            closeQuietly(toClose, engineToClose, presenceToClose);
                            stopped.countDown();
                            // Stopped cleanly: exit 0 (as serve does), not the JVM's 143 for SIGTERM.
                            console.out().flush();
                            console.err().flush();
                            Runtime.getRuntime().halt(ExitCode.OK);
                        },
                        "duplex-demo-stop"));
        console.err().println("chat demo on " + server.url() + " (dashboard: " + server.url() + "dashboard.html)");
        console.out().println("READY duplex-demo port=" + server.port());
        stopped.await();
        return ExitCode.OK;
    }

    private int socketIoChat(int port) throws InterruptedException {
        SocketIoChat chat;
        try {
            chat = SocketIoChat.start(listen.host(), port, new LinkedHashSet<>(origins));
        } catch (RuntimeException e) {
            console.err().println("duplex: " + e.getMessage());
            return ExitCode.FAILURE;
        }
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            chat.close();
                            // Stopped cleanly: exit 0 (as serve does), not the JVM's 143 for SIGTERM.
                            console.out().flush();
                            console.err().flush();
                            Runtime.getRuntime().halt(ExitCode.OK);
                        },
                        "duplex-demo-stop"));
        console.err().println("Socket.IO chat demo on " + chat.url());
        console.out().println("READY duplex-demo port=" + chat.port());
        chat.awaitStop();
        return ExitCode.OK;
    }

    private static void closeQuietly(Broker broker, StreamEngine engine, PresenceEngine presence) {
        // Presence first: closing it makes this node's members leave while Redis is still reachable.
        if (presence != null) {
            presence.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (engine != null) {
            engine.close();
        }
    }
}
