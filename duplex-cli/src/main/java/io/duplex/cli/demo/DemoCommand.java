package io.duplex.cli;

import io.duplex.Broker;
import io.duplex.examples.chat.ChatOptions;
import io.duplex.examples.chat.ChatServer;
import io.duplex.redis.RedisBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
    @Spec
    CommandSpec spec;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "0.0.0.0", description = "Address to bind.")
    String host;

    @Option(
            names = {"-p", "--port"},
            paramLabel = "PORT",
            defaultValue = "8080",
            description = "HTTP and WebSocket port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--redis", paramLabel = "URI", description = "Share rooms with other instances through Redis.")
    String redis;

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
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be between 0 and 65535");
        }
        Broker broker = null;
        if (redis != null) {
            try {
                broker = RedisBroker.builder().uri(redis).build();
            } catch (RuntimeException e) {
                console.err().println("duplex: cannot use Redis at " + redis + ": " + e.getMessage());
                return ExitCode.FAILURE;
            }
        }
        ChatServer server;
        try {
            server = ChatServer.start(ChatOptions.builder()
                    .host(host)
                    .port(port)
                    .broker(broker)
                    .allowedOrigins(origins)
                    .build());
        } catch (RuntimeException e) {
            console.err().println("duplex: " + e.getMessage());
            if (broker != null) {
                broker.close();
            }
            return ExitCode.FAILURE;
        }
        Broker toClose = broker;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.stop();
                            if (toClose != null) {
                                toClose.close();
                            }
                            stopped.countDown();
                        },
                        "duplex-demo-stop"));
        console.err().println("chat demo on " + server.url() + " (dashboard: " + server.url() + "dashboard.html)");
        console.out().println("READY duplex-demo port=" + server.port());
        stopped.await();
        return ExitCode.OK;
    }
}
