package io.duplex.cli;

/**
 * The {@code duplex} executable: {@code java -jar duplex-cli.jar COMMAND [OPTIONS]}.
 *
 * <p>Threading: runs the command on the main thread, then exits with its status.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        Console console = Console.system();
        int status = DuplexCommand.commandLine(console, true).execute(args);
        console.out().flush();
        console.err().flush();
        System.exit(status);
    }
}
