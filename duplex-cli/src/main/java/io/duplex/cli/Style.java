package io.duplex.cli;

/**
 * ANSI SGR colours for terminal output, or nothing at all when colour is off ({@link
 * Console#color()}): every method then returns its argument unchanged, so output piped to a file
 * holds no escape sequences.
 *
 * <p>Threading: immutable.
 */
record Style(boolean on) {
    static final Style PLAIN = new Style(false);

    private static final String RESET = "\033[0m";

    /** Erases the current terminal line from the cursor; empty when colour is off. */
    String clearLine() {
        return on ? "\033[K" : "";
    }

    String received(String s) {
        return paint("32", s); // green
    }

    String sent(String s) {
        return paint("1;34", s); // bold blue
    }

    String control(String s) {
        return paint("33", s); // yellow
    }

    String status(String s) {
        return paint("2", s); // dim
    }

    String error(String s) {
        return paint("31", s); // red
    }

    private String paint(String sgr, String s) {
        return on ? "\033[" + sgr + "m" + s + RESET : s;
    }
}
