package io.duplex.cli;

import io.duplex.cli.inspect.InspectCommand;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A {@code duplex inspect} command running in-process on 127.0.0.1, on a free port, until stopped. */
record RunningInspect(Cli cli, InspectCommand command, CompletableFuture<Integer> exit, int port) {

    static RunningInspect start(String upstream, String... options) throws Exception {
        Cli cli = new Cli(Cli.openStdin());
        InspectCommand command = (InspectCommand)
                cli.commandLine().getSubcommands().get("inspect").getCommand();
        List<String> args = new ArrayList<>(List.of("inspect", "--listen", "0", "--upstream", upstream));
        args.addAll(List.of(options));
        CompletableFuture<Integer> exit = cli.start(args.toArray(new String[0]));
        int port = command.started().get(10, TimeUnit.SECONDS);
        return new RunningInspect(cli, command, exit, port);
    }

    URI uri(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + port + pathAndQuery);
    }

    /** Waits, at most 10 s, until stdout holds {@code text}; returns stdout. */
    String awaitOutput(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!cli.out().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' in the output within 10 s:\n" + cli.out());
            }
            TimeUnit.MILLISECONDS.sleep(5); // polling a condition, bounded by the deadline
        }
        return cli.out();
    }

    Cli.Result stop() {
        command.stop();
        return cli.finish(exit);
    }
}
