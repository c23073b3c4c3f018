package io.duplex.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * The three standard streams a command talks through, and what they are connected to. Commands
 * take a {@code Console} instead of reaching for {@link System#in}/{@link System#out}, so tests can
 * drive them in-process — as a pipe or as a terminal.
 *
 * <p>Threading: immutable; the streams themselves are shared ({@link PrintStream} is
 * synchronized, so whole lines from different threads do not interleave).
 *
 * @param in standard input, read as UTF-8
 * @param out standard output: received messages, one per line
 * @param err standard error: diagnostics and connection logs
 * @param terminal whether a person is typing and reading: stdin and stdout are a terminal
 *     ({@link System#console()} is not null). Chooses interactive {@code connect} and a live
 *     progress line in {@code bench}.
 * @param color whether ANSI escape sequences (colours, clearing a line) may be written: a terminal,
 *     {@code NO_COLOR} unset or empty (no-color.org) and {@code TERM} not {@code dumb}
 */
public record Console(InputStream in, PrintStream out, PrintStream err, boolean terminal, boolean color) {

    public Console {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
    }

    /** Streams that are pipes or files: no terminal, no colour. */
    public Console(InputStream in, PrintStream out, PrintStream err) {
        this(in, out, err, false, false);
    }

    /**
     * The process's streams, as UTF-8 whatever the platform locale (a container's POSIX locale
     * would otherwise turn every non-ASCII character into {@code ?}), flushed at each line.
     */
    public static Console system() {
        boolean terminal = System.console() != null;
        return new Console(
                new FileInputStream(FileDescriptor.in),
                utf8(new FileOutputStream(FileDescriptor.out)),
                utf8(new FileOutputStream(FileDescriptor.err)),
                terminal,
                colorAllowed(terminal, System.getenv()));
    }

    /** no-color.org: a {@code NO_COLOR} that is present and not empty turns colour off. */
    static boolean colorAllowed(boolean terminal, Map<String, String> env) {
        String noColor = env.get("NO_COLOR");
        return terminal && (noColor == null || noColor.isEmpty()) && !"dumb".equals(env.get("TERM"));
    }

    private static PrintStream utf8(FileOutputStream stream) {
        return new PrintStream(new BufferedOutputStream(stream, 1 << 16), true, StandardCharsets.UTF_8);
    }
}
