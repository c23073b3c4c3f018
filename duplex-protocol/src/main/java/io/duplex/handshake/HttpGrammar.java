package io.duplex.handshake;

/**
 * Character classes of the HTTP/1.1 message grammar (RFC 7230 §3.2, §3.2.6). Kept in one place so
 * that the parser, the value types, the writers and the {@code Sec-WebSocket-Extensions} grammar
 * ({@link ExtensionHeader}) agree on what is legal.
 *
 * <p>Threading: stateless.
 */
final class HttpGrammar {
    private static final boolean[] TCHAR = new boolean[128];

    static {
        // RFC 7230 §3.2.6: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
        // "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[Character.toUpperCase(c)] = true;
        }
    }

    private HttpGrammar() {}

    static boolean isTchar(char c) {
        return c < 128 && TCHAR[c];
    }

    /** RFC 7230 §3.2.6: {@code token = 1*tchar}. */
    static boolean isToken(CharSequence s) {
        if (s.length() == 0) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTchar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * RFC 7230 §3.2: field-value and reason-phrase characters are HTAB, SP, VCHAR and obs-text;
     * every other control character (CR, LF, NUL, DEL…) is refused, which also rules out header
     * injection through values we write.
     */
    static boolean isTextChar(char c) {
        return c == '\t' || (c >= 0x20 && c != 0x7F && c <= 0xFF);
    }

    static boolean isText(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isTextChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** RFC 7230 §3.2.3: {@code OWS = *( SP / HTAB )}. */
    static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    /** RFC 7230 §2.6: {@code HTTP-version = "HTTP" "/" DIGIT "." DIGIT}. */
    static boolean isHttpVersion(String v) {
        return v.length() == 8
                && v.startsWith("HTTP/")
                && isDigit(v.charAt(5))
                && v.charAt(6) == '.'
                && isDigit(v.charAt(7));
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
