package io.duplex.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/** Runs {@code duplex} commands in-process with captured streams, always within a time limit. */
final class Cli {
    static final Duration LIMIT = Duration.ofSeconds(30);

    /** What a finished command left behind. */
    record Result(int exit, String out, String err) {}

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final CommandLine commandLine;

    Cli(InputStream in) {
        this(in, false, false);
    }

    /** A console that claims to be a terminal (interactive connect, live progress), with or without colour. */
    Cli(InputStream in, boolean terminal, boolean color) {
        Console console = new Console(
                in,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                terminal,
                color);
        this.commandLine = DuplexCommand.commandLine(console, false);
    }

    /** A command whose stdin holds {@code input} and then ends. */
    static Result run(String input, String... args) {
        return new Cli(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8))).execute(args);
    }

    /** As {@link #runWithOpenStdin}, with {@code connect} reading proxies from {@code environment}. */
    static Result runWithEnvironment(java.util.Map<String, String> environment, String... args) {
        Cli cli = new Cli(openStdin());
        ((io.duplex.cli.connect.ConnectCommand)
                        cli.commandLine.getSubcommands().get("connect").getCommand())
                .environment(environment);
        return cli.execute(args);
    }

    /** A command whose stdin stays open (blocks until the JVM ends) and holds nothing. */
    static Result runWithOpenStdin(String... args) {
        return new Cli(openStdin()).execute(args);
    }

    /** An input stream that never delivers a byte nor ends: a terminal nobody types into. */
    static InputStream openStdin() {
        CountDownLatch never = new CountDownLatch(1);
        return new InputStream() {
            @Override
            public int read() {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return -1;
            }
        };
    }

    Result execute(String... args) {
        return finish(start(args));
    }

    CompletableFuture<Integer> start(String... args) {
        return CompletableFuture.supplyAsync(() -> commandLine.execute(args), r -> {
            Thread t = new Thread(r, "duplex-cli-test");
            t.setDaemon(true);
            t.start();
        });
    }

    Result finish(CompletableFuture<Integer> exit) {
        try {
            return new Result(exit.get(LIMIT.toSeconds(), TimeUnit.SECONDS), out(), err());
        } catch (Exception e) {
            throw new AssertionError("command did not finish within " + LIMIT + "; stderr: " + err(), e);
        }
    }

    CommandLine commandLine() {
        return commandLine;
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
