package io.duplex.cli.demo;

import io.duplex.Broker;
import io.duplex.PresenceEngine;
import io.duplex.StreamEngine;
import io.duplex.cli.Console;
import io.duplex.cli.ExitCode;
import io.duplex.cli.VersionProvider;
import io.duplex.cli.options.ListenOptions;
import io.duplex.cli.options.RedisOption;
import io.duplex.examples.chat.ChatOptions;
import io.duplex.examples.chat.ChatServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code duplex demo}: the browser chat demo (rooms, presence, history, reconnection) and the live
 * dashboard, on http://localhost:8080 with the in-memory broker; with {@code --redis} several
 * instances share rooms.
 *
 * <p>Threading: {@link #call()} blocks until SIGINT/SIGTERM.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Runs the browser chat demo and its live dashboard.", ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  duplex demo                      # then open http://localhost:8080",
            "  duplex demo --port 8081 --redis redis://localhost:6379   # a second node sharing rooms"
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

    private final Console console;

    public DemoCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() throws InterruptedException {
        int port = listen.port();
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
                        },
                        "duplex-demo-stop"));
        console.err().println("chat demo on " + server.url() + " (dashboard: " + server.url() + "dashboard.html)");
        console.out().println("READY duplex-demo port=" + server.port());
        stopped.await();
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
