package io.duplex.cli.connect;

import io.duplex.SendResult;
import io.duplex.WebSocket;
import io.duplex.cli.Console;
import io.duplex.cli.ExitCode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One connected session of {@code duplex connect}: the input side — stdin lines (piped), the
 * prompt ({@link InteractiveInput}) or the {@code -x} script — and how it ends: the close, bounded
 * waits, and the exit status.
 *
 * <p>Threading: the mode methods block the command's thread; stdin is read on a daemon thread;
 * {@link #goAway()} runs on the shutdown hook's thread.
 */
final class ConnectRun {
    /** How long {@code --wait N} waits when {@code --wait-seconds} does not say. */
    static final double DEFAULT_WAIT_SECONDS = 10;

    private final Console console;
    private final WebSocket ws;
    private final ClientSession session;
    private final boolean reconnect;

    ConnectRun(Console console, WebSocket ws, ClientSession session, boolean reconnect) {
        this.console = console;
        this.ws = ws;
        this.session = session;
        this.reconnect = reconnect;
    }

    /** SIGINT/SIGTERM (Ctrl-C): tell the server we are leaving (1001), give it a moment to answer. */
    void goAway() {
        if (!session.closed().isDone()) {
            session.close(ws, 1001, "");
            try {
                session.closed().get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // Exiting anyway.
            }
        }
    }

    /** Piped or interactive: stdin lines out, messages in, until stdin ends or the server closes. */
    int readInput(TerminalView terminal) {
        CompletableFuture<Void> inputDone = new CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader in =
                            new BufferedReader(new InputStreamReader(console.in(), StandardCharsets.UTF_8))) {
                        if (terminal != null) {
                            new InteractiveInput(in, terminal, ws, session, this::send).run();
                        } else {
                            pump(in);
                        }
                    } catch (IOException e) {
                        console.err().println("duplex: cannot read stdin: " + e.getMessage());
                        session.close(ws, 1000, "");
                    } finally {
                        inputDone.complete(null);
                    }
                },
                "duplex-stdin");
        reader.setDaemon(true); // a read of stdin cannot be interrupted; do not let it hold the JVM
        reader.start();
        CompletableFuture.anyOf(inputDone, session.closed()).join();
        return awaitClosed();
    }

    /** Sends stdin line by line; at its end starts the close handshake with 1000. */
    private void pump(BufferedReader in) throws IOException {
        try {
            String line;
            while ((line = in.readLine()) != null && !session.closed().isDone()) {
                if (!send(line)) {
                    break;
                }
            }
        } finally {
            session.close(ws, 1000, "");
        }
    }

    /**
     * Sends one text message, waiting while more than {@link ConnectCommand#SEND_WINDOW} bytes are queued. While
     * reconnecting the message joins the reconnection queue, or is dropped (with a note) when full.
     *
     * @return false when the connection is gone for good
     */
    boolean send(String line) {
        CompletableFuture<Void> written = ws.sendAsync(line);
        if (reconnect && written.isCompletedExceptionally()) {
            if (ws.send(line) == SendResult.DROPPED) {
                session.view().status("not connected: message dropped");
            }
            return !session.closed().isDone();
        }
        if (ws.bufferedAmount() > ConnectCommand.SEND_WINDOW) {
            try {
                written.join(); // backpressure: let the socket catch up before reading on
            } catch (CompletionException closed) {
                return reconnect && !session.closed().isDone();
            }
        }
        return true;
    }

    /**
     * Scripted: send the {@code -x} messages, wait for {@code --wait N} messages and/or {@code
     * --wait-seconds}, then close.
     */
    int script(List<String> execute, Integer waitMessages, Double waitSeconds) {
        for (String message : execute) {
            if (!send(message)) {
                break;
            }
        }
        if (execute.isEmpty() && !console.terminal()) {
            // A pipe with --wait/--wait-seconds: its lines are sent as they come, and its end does
            // not close the connection — the wait does (answers that come after the input ended
            // are still printed).
            Thread reader = new Thread(this::sendStdinLines, "duplex-stdin");
            reader.setDaemon(true); // a read of stdin cannot be interrupted; do not let it hold the JVM
            reader.start();
        }
        double seconds = waitSeconds != null ? waitSeconds : waitMessages != null ? DEFAULT_WAIT_SECONDS : 0;
        CompletableFuture<?> enough =
                waitMessages != null ? session.awaitMessages(waitMessages) : new CompletableFuture<>();
        try {
            CompletableFuture.anyOf(enough, session.closed()).get(Math.round(seconds * 1000), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // The time is up: the messages that came are printed; --wait decides below.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            return ExitCode.FAILURE; // never: neither future fails
        }
        boolean serverEnded = session.closed().isDone();
        if (!serverEnded) {
            session.close(ws, 1000, "");
        }
        int status = awaitClosed();
        if (waitMessages != null && session.received() < waitMessages) {
            console.err()
                    .println("duplex: expected " + waitMessages + " message(s), got " + session.received()
                            + (serverEnded ? " before the connection ended" : " within " + fmt(seconds) + " s"));
            return ExitCode.FAILURE;
        }
        return status;
    }

    /** Sends each line of stdin until its end (no close: the script's wait decides). */
    private void sendStdinLines() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(console.in(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null && !session.closed().isDone()) {
                if (!send(line)) {
                    return;
                }
            }
        } catch (IOException e) {
            console.err().println("duplex: cannot read stdin: " + e.getMessage());
        }
    }

    private static String fmt(double seconds) {
        return seconds == Math.rint(seconds) ? String.valueOf((long) seconds) : String.valueOf(seconds);
    }

    /** Waits (bounded) for the session to end after a close was started, then judges how. */
    private int awaitClosed() {
        try {
            return finish(session.closed().get(ConnectCommand.CLOSE_TIMEOUT.toMillis() + 2000, TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            console.err()
                    .println("duplex: the server did not answer the close within "
                            + ConnectCommand.CLOSE_TIMEOUT.toSeconds() + " s");
            ws.abort();
            return ExitCode.FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ws.abort();
            return ExitCode.FAILURE;
        } catch (ExecutionException e) {
            return ExitCode.FAILURE; // never: the future only completes normally
        }
    }

    /** The exit status for how the session ended; explains a failure on stderr. */
    int finish(ClientSession.Closed closed) {
        if (closed.isNormal()) {
            return ExitCode.OK;
        }
        Throwable error = session.lastError();
        console.err()
                .println("duplex: " + closed.describe()
                        + (error != null && error.getMessage() != null ? ": " + error.getMessage() : ""));
        return ExitCode.FAILURE;
    }
}
