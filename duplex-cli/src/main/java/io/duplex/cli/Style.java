package io.duplex.cli;

/**
 * ANSI SGR colours for terminal output, or nothing at all when colour is off ({@link
 * Console#color()}): every method then returns its argument unchanged, so output piped to a file
 * holds no escape sequences.
 *
 * <p>Threading: immutable.
 */
public record Style(boolean on) {
    public static final Style PLAIN = new Style(false);

    private static final String RESET = "\033[0m";

    /** Erases the current terminal line from the cursor; empty when colour is off. */
    public String clearLine() {
        return on ? "\033[K" : "";
    }

    public String received(String s) {
        return paint("32", s); // green
    }

    public String sent(String s) {
        return paint("1;34", s); // bold blue
    }

    public String control(String s) {
        return paint("33", s); // yellow
    }

    public String status(String s) {
        return paint("2", s); // dim
    }

    public String error(String s) {
        return paint("31", s); // red
    }

    private String paint(String sgr, String s) {
        return on ? "\033[" + sgr + "m" + s + RESET : s;
    }
}
