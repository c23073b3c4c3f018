package io.duplex.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The top-level {@code duplex} command: a WebSocket server and client for the terminal. It only
 * groups the subcommands; {@link #commandLine(Console)} wires them to a {@link Console} and sets
 * the exit codes of {@link ExitCode}.
 *
 * <p>Threading: a command runs on the thread that executes it.
 */
@Command(
        name = "duplex",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A WebSocket server and client for the terminal (RFC 6455).",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = CommandLine.HelpCommand.class,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:ok; a connection ended with 1000 or 1001",
            "1:connection or protocol failure",
            "2:usage error"
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  duplex serve --port 9001 --echo",
            "  duplex connect ws://localhost:9001/",
            "  duplex connect --echo wss://example.com/socket",
            "",
            "Run 'duplex COMMAND --help' for a command's options."
        })
public final class DuplexCommand implements Runnable {
    @Spec
    CommandSpec spec;

    /** Without a subcommand: print the usage and fail as a usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: serve or connect");
    }

    /**
     * The whole command tree on {@code console}: usage errors print one line and a hint and exit
     * 2; an unexpected exception prints its message and exits 1.
     *
     * @param shutdownHook whether {@code serve} stops gracefully on SIGINT/SIGTERM (the real
     *     process; tests stop it themselves)
     */
    public static CommandLine commandLine(Console console, boolean shutdownHook) {
        CommandLine cl = new CommandLine(new DuplexCommand());
        cl.addSubcommand("serve", new ServeCommand(console, shutdownHook));
        cl.addSubcommand("connect", new ConnectCommand(console));
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
