package io.duplex.cli;

import io.duplex.handshake.HandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Turns a failed connect into one line an operator can act on: {@code connection refused},
 * {@code handshake rejected: HTTP 403}, {@code unknown host}, the TLS reason.
 *
 * <p>Threading: stateless.
 */
public final class ConnectFailure {
    private ConnectFailure() {}

    /** The exception a connect future failed with, without its wrappers. */
    public static Throwable unwrap(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * @param target {@code host:port}, to say where a refused connection went
     */
    public static String describe(Throwable failure, String target) {
        Throwable t = unwrap(failure);
        if (t instanceof HandshakeException h) {
            return h.status() == 101
                    ? "handshake failed: " + h.getMessage()
                    : "handshake rejected: HTTP " + h.status() + " (" + h.getMessage() + ")";
        }
        if (t instanceof ConnectException || refused(t)) {
            return "connection refused: nothing accepts connections on " + target;
        }
        if (t instanceof UnknownHostException) {
            return "unknown host: " + t.getMessage().replaceFirst("^unknown host: ", "");
        }
        if (t instanceof NoRouteToHostException) {
            return "no route to host " + target;
        }
        if (t instanceof TimeoutException) {
            return "timed out connecting to " + target + (t.getMessage() != null ? ": " + t.getMessage() : "");
        }
        if (t instanceof SSLException) {
            return "TLS handshake failed: " + t.getMessage();
        }
        if (t instanceof IOException) {
            return "connection to " + target + " failed: " + t.getMessage();
        }
        return "connection to " + target + " failed: " + t;
    }

    /** {@code host:port} of a WebSocket URL, the port filled in from the scheme when absent. */
    public static String target(URI uri) {
        int port = uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("wss") ? 443 : 80;
        return uri.getHost() + ":" + port;
    }

    private static boolean refused(Throwable t) {
        return t.getMessage() != null && t.getMessage().toLowerCase(Locale.ROOT).contains("connection refused");
    }
}
