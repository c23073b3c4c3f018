package io.duplex.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The three standard streams a command talks through. Commands take a {@code Console} instead of
 * reaching for {@link System#in}/{@link System#out}, so tests can drive them in-process.
 *
 * <p>Threading: immutable; the streams themselves are shared ({@link PrintStream} is
 * synchronized, so whole lines from different threads do not interleave).
 *
 * @param in standard input, read as UTF-8
 * @param out standard output: received messages, one per line
 * @param err standard error: diagnostics and connection logs
 */
public record Console(InputStream in, PrintStream out, PrintStream err) {

    public Console {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
    }

    /**
     * The process's streams, as UTF-8 whatever the platform locale (a container's POSIX locale
     * would otherwise turn every non-ASCII character into {@code ?}), flushed at each line.
     */
    public static Console system() {
        return new Console(
                new FileInputStream(FileDescriptor.in),
                utf8(new FileOutputStream(FileDescriptor.out)),
                utf8(new FileOutputStream(FileDescriptor.err)));
    }

    private static PrintStream utf8(FileOutputStream stream) {
        return new PrintStream(new BufferedOutputStream(stream, 1 << 16), true, StandardCharsets.UTF_8);
    }
}
