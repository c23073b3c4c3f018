package io.duplex.cli;

import io.duplex.WebSocketServer;
import io.duplex.cli.serve.ServeCommand;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A {@code duplex serve} command running in-process on 127.0.0.1, on a free port, until stopped. */
record RunningServe(Cli cli, ServeCommand command, CompletableFuture<Integer> exit, WebSocketServer server) {

    static RunningServe start(String... options) throws Exception {
        Cli cli = new Cli(Cli.openStdin());
        ServeCommand command =
                (ServeCommand) cli.commandLine().getSubcommands().get("serve").getCommand();
        List<String> args =
                new ArrayList<>(List.of("serve", "--host", "127.0.0.1", "--port", "0", "--event-loops", "2"));
        args.addAll(List.of(options));
        CompletableFuture<Integer> exit = cli.start(args.toArray(new String[0]));
        WebSocketServer server = command.started().get(10, TimeUnit.SECONDS);
        return new RunningServe(cli, command, exit, server);
    }

    URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }

    /** Stops gracefully and returns what the command printed. */
    Cli.Result stop() {
        command.stop();
        return cli.finish(exit);
    }
}
