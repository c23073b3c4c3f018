package io.duplex.cli;

/**
 * The process exit statuses of every {@code duplex} command.
 *
 * <p>Threading: constants only.
 */
public final class ExitCode {
    /** Success: the command did its job; a connection ended with 1000 or 1001. */
    public static final int OK = 0;

    /**
     * A connection or protocol failure: refused, TLS, rejected handshake, timeout, an unclean close
     * or a close code other than 1000/1001, a port that cannot be bound.
     */
    public static final int FAILURE = 1;

    /** A usage error: unknown option, bad value, malformed URL (picocli's own convention too). */
    public static final int USAGE = 2;

    private ExitCode() {}
}
