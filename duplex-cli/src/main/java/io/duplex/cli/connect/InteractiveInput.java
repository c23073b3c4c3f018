package io.duplex.cli.connect;

import io.duplex.WebSocket;
import io.duplex.protocol.CloseCodes;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;

/**
 * The keyboard side of interactive {@code duplex connect}: each line typed is sent as a text
 * message, except the commands below. History is kept in memory for {@code !!}, {@code !N} and
 * {@code /history}; arrow-key editing is left to {@code rlwrap} (see {@link ConnectCommand}).
 *
 * <p>Threading: runs on the stdin thread; {@link WebSocket} and the view are thread-safe.
 */
final class InteractiveInput {
    static final String HELP = String.join(
            "\n",
            "Type a line and press Enter to send it as a text message. Commands:",
            "  /ping [TEXT]             send a Ping (the Pong shows with --show-control)",
            "  /binary HEX              send a binary message, e.g. /binary 00ff10",
            "  /close [CODE [REASON]]   start the close handshake (default 1000) and exit",
            "  /quit                    close with 1000 and exit (also Ctrl-D)",
            "  /history                 list what was sent; !! sends the last again, !N the N-th",
            "  //TEXT                   send a message that starts with '/'",
            "  /help                    this list");

    static final int MAX_HISTORY = 1000;

    private final BufferedReader in;
    private final TerminalView view;
    private final WebSocket ws;
    private final ClientSession session;
    private final Predicate<String> sendText;
    private final List<String> history = new ArrayList<>();

    /**
     * @param sendText sends one text message; false when the session cannot send any more
     */
    InteractiveInput(
            BufferedReader in, TerminalView view, WebSocket ws, ClientSession session, Predicate<String> sendText) {
        this.in = in;
        this.view = view;
        this.ws = ws;
        this.session = session;
        this.sendText = sendText;
    }

    /** Reads and runs lines until end of input, {@code /quit}, {@code /close} or the session ends. */
    void run() throws IOException {
        while (!session.closed().isDone()) {
            view.prompt();
            String line = in.readLine();
            view.lineEntered();
            if (line == null) {
                session.close(ws, 1000, "");
                return;
            }
            if (!execute(line)) {
                return;
            }
        }
    }

    /** Runs one line; false when the session is closing and input should stop. */
    boolean execute(String line) {
        if (line.equals("!!") || (line.length() > 1 && line.charAt(0) == '!' && isDigits(line.substring(1)))) {
            String entry = recall(line);
            if (entry == null) {
                return true;
            }
            view.status("> " + entry);
            return execute(entry);
        }
        if (line.startsWith("//")) {
            return send(line, line.substring(1));
        }
        if (!line.startsWith("/")) {
            return line.isEmpty() || send(line, line);
        }
        String[] words = line.split(" ", 3);
        String argument = line.indexOf(' ') < 0 ? "" : line.substring(line.indexOf(' ') + 1);
        switch (words[0]) {
            case "/help" -> view.status(HELP);
            case "/history" -> history();
            case "/quit", "/exit" -> {
                session.close(ws, 1000, "");
                return false;
            }
            case "/close" -> {
                return close(line, words);
            }
            case "/ping" -> ping(line, argument);
            case "/binary" -> binary(line, argument);
            default -> view.error("unknown command " + words[0] + " (/help lists them; //TEXT sends a '/' line)");
        }
        return true;
    }

    private boolean send(String entry, String text) {
        remember(entry);
        return sendText.test(text);
    }

    private void ping(String entry, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 125) {
            view.error("a Ping carries at most 125 bytes (RFC 6455 §5.5)");
            return;
        }
        remember(entry);
        ws.ping(ByteBuffer.wrap(bytes));
    }

    private void binary(String entry, String hex) {
        byte[] bytes;
        try {
            bytes = HexFormat.of().parseHex(hex.replace(" ", ""));
        } catch (IllegalArgumentException e) {
            view.error("/binary needs hex digits, two per byte: " + e.getMessage());
            return;
        }
        remember(entry);
        ws.send(ByteBuffer.wrap(bytes));
    }

    private boolean close(String entry, String[] words) {
        int code = 1000;
        if (words.length > 1) {
            try {
                code = Integer.parseInt(words[1]);
            } catch (NumberFormatException e) {
                code = -1;
            }
            if (!CloseCodes.isValidOnWire(code)) {
                view.error("not a close code that may be sent: " + words[1] + " (1000-1003, 1007-1014, 3000-4999)");
                return true;
            }
        }
        String reason = words.length > 2 ? words[2] : "";
        if (reason.getBytes(StandardCharsets.UTF_8).length > CloseCodes.MAX_REASON_BYTES) {
            view.error("a close reason has at most 123 bytes");
            return true;
        }
        remember(entry);
        session.close(ws, code, reason);
        return false;
    }

    private void history() {
        if (history.isEmpty()) {
            view.status("(nothing sent yet)");
        }
        for (int i = 0; i < history.size(); i++) {
            view.status(String.format("%4d  %s", i + 1, history.get(i)));
        }
    }

    private String recall(String bang) {
        if (history.isEmpty()) {
            view.error("history is empty");
            return null;
        }
        if (bang.equals("!!")) {
            return history.get(history.size() - 1);
        }
        int n;
        try {
            n = Integer.parseInt(bang.substring(1));
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1 || n > history.size()) {
            view.error("no entry " + bang.substring(1) + " in history (1-" + history.size() + ")");
            return null;
        }
        return history.get(n - 1);
    }

    private void remember(String entry) {
        if (history.size() == MAX_HISTORY) {
            history.remove(0);
        }
        history.add(entry);
    }

    private static boolean isDigits(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }
}
