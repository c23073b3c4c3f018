package io.duplex.cli;

import io.duplex.cli.bench.BenchCommand;
import io.duplex.cli.connect.ConnectCommand;
import io.duplex.cli.demo.DemoCommand;
import io.duplex.cli.inspect.InspectCommand;
import io.duplex.cli.serve.ServeCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The top-level {@code duplex} command: a WebSocket server, client, debugging proxy and load
 * generator for the terminal. It only groups the subcommands; {@link #commandLine(Console,
 * boolean)} wires them to a {@link Console} and sets the exit codes of {@link ExitCode}.
 *
 * <p>Threading: a command runs on the thread that executes it.
 */
@Command(
        name = "duplex",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A WebSocket server, client, debugging proxy and load generator (RFC 6455).",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = CommandLine.HelpCommand.class,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:ok; a connection ended with 1000 or 1001",
            "1:connection or protocol failure; bench: any error during the run",
            "2:usage error"
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  duplex serve --port 9001 --echo",
            "  duplex connect ws://localhost:9001/",
            "  duplex connect --echo wss://example.com/socket",
            "  duplex inspect --listen 9002 --upstream ws://localhost:9001",
            "  duplex bench ws://localhost:9001/ --connections 100 --pipeline 16",
            "  duplex demo",
            "",
            "Run 'duplex COMMAND --help' for a command's options."
        })
public final class DuplexCommand implements Runnable {
    @Spec
    CommandSpec spec;

    /** Without a subcommand: print the usage and fail as a usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "missing command: serve, connect, inspect, bench or demo");
    }

    /**
     * The whole command tree on {@code console}: usage errors print one line and a hint and exit
     * 2; an unexpected exception prints its message and exits 1.
     *
     * @param shutdownHook whether {@code serve} and {@code inspect} stop gracefully and {@code
     *     connect} closes with 1001 on SIGINT/SIGTERM (the real process; tests stop them
     *     themselves)
     */
    public static CommandLine commandLine(Console console, boolean shutdownHook) {
        CommandLine cl = new CommandLine(new DuplexCommand());
        cl.addSubcommand("serve", new ServeCommand(console, shutdownHook));
        cl.addSubcommand("connect", new ConnectCommand(console, shutdownHook));
        cl.addSubcommand("inspect", new InspectCommand(console, shutdownHook));
        cl.addSubcommand("bench", new BenchCommand(console));
        cl.addSubcommand("demo", new DemoCommand(console));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOut(new PrintWriter(console.out(), true));
        cl.setErr(new PrintWriter(console.err(), true));
        cl.setExitCodeExceptionMapper(e -> ExitCode.FAILURE);
        cl.setParameterExceptionHandler(DuplexCommand::usageError);
        cl.setExecutionExceptionHandler((e, command, parseResult) -> {
            command.getErr().println("duplex: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return ExitCode.FAILURE;
        });
        return cl;
    }

    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("duplex: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
        return ExitCode.USAGE;
    }
}
