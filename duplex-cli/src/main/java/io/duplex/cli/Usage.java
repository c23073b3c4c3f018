package io.duplex.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Usage errors (exit 2, {@link ExitCode#USAGE}): a bad option value or combination found after
 * parsing, reported by the command line's parameter exception handler as one line and a hint.
 *
 * <p>Threading: stateless.
 */
public final class Usage {
    /** The longest time in seconds an option takes: one day. */
    public static final double MAX_SECONDS = 86_400;

    private Usage() {}

    /** A usage error of the command {@code spec} describes; throw it. */
    public static CommandLine.ParameterException error(CommandSpec spec, String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /**
     * Checks a time in seconds: above 0 (or, with {@code zeroAllowed}, at least 0) and at most
     * {@link #MAX_SECONDS}; NaN is out of range.
     *
     * @return {@code seconds}
     * @throws CommandLine.ParameterException "{@code option} must be between 0 and 86400 seconds"
     */
    public static double seconds(CommandSpec spec, String option, double seconds, boolean zeroAllowed) {
        boolean low = zeroAllowed ? seconds >= 0 : seconds > 0;
        if (!low || seconds > MAX_SECONDS) {
            throw error(spec, option + " must be between 0 and 86400 seconds: " + seconds);
        }
        return seconds;
    }
}
