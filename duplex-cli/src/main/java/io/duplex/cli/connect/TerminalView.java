package io.duplex.cli.connect;

import io.duplex.cli.Style;
import java.io.PrintStream;

/**
 * The screen of interactive {@code duplex connect}: a {@code > } prompt to type at, received
 * messages on lines starting with {@code < }, control frames and notes in their own colours.
 *
 * <p>The terminal stays in cooked mode (the kernel edits the line and echoes it), so a message
 * that arrives while the prompt is shown overwrites the prompt line and redraws the prompt after
 * it; what was typed so far stays in the kernel's line buffer and is sent on Enter.
 *
 * <p>Threading: synchronized; messages arrive on the event loop while the input thread prompts.
 */
final class TerminalView implements ClientSession.View {
    private final PrintStream out;
    private final Style style;
    private boolean promptShown;

    TerminalView(PrintStream out, Style style) {
        this.out = out;
        this.style = style;
    }

    /** Shows the prompt unless it is already on the screen. */
    synchronized void prompt() {
        if (!promptShown) {
            out.print(style.sent(">") + " ");
            out.flush();
            promptShown = true;
        }
    }

    /** The user pressed Enter: the cursor is at the start of a fresh line. */
    synchronized void lineEntered() {
        promptShown = false;
    }

    @Override
    public synchronized boolean message(String line, boolean binary) {
        print(style.received("<") + " " + (binary ? style.status("(binary) ") : "") + line);
        return true;
    }

    @Override
    public synchronized void control(String line) {
        print(style.control("< " + line));
    }

    @Override
    public synchronized void status(String line) {
        print(style.status(line));
    }

    @Override
    public boolean alwaysShowsClose() {
        return true;
    }

    /** An error of the user's making (a bad command), in red. */
    synchronized void error(String line) {
        print(style.error(line));
    }

    private void print(String line) {
        if (promptShown) {
            out.print("\r" + style.clearLine());
        }
        out.print(line);
        out.print('\n');
        if (promptShown) {
            out.print(style.sent(">") + " ");
        }
        out.flush();
    }
}
