package io.duplex.handshake;

import io.duplex.extension.ExtensionParameters;
import io.duplex.extension.ExtensionParameters.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses and formats the {@code Sec-WebSocket-Extensions} header (RFC 6455 §9.1):
 *
 * <pre>
 * extension-list  = 1#extension
 * extension       = extension-token *( ";" extension-param )
 * extension-param = token [ "=" ( token / quoted-string ) ]
 * </pre>
 *
 * <p>Optional whitespace is allowed around every separator and empty list elements are skipped
 * (RFC 7230 §7). A quoted value is unescaped and must then be a token (RFC 6455 §9.1). Parameters
 * keep their order and duplicates, so that an extension can refuse them (RFC 7692 §7). Parsing is
 * one pass over the input and bounded: at most {@value #MAX_ELEMENTS} extensions in all and
 * {@value #MAX_PARAMETERS} parameters per extension. Malformed input raises {@link
 * HandshakeException} with status 400.
 *
 * <p>Threading: stateless; safe to call from any thread.
 */
public final class ExtensionHeader {

    /** The most extensions accepted across all header values. */
    public static final int MAX_ELEMENTS = 64;

    /** The most parameters accepted on one extension. */
    public static final int MAX_PARAMETERS = 64;

    private final String s;
    private int pos;

    private ExtensionHeader(String s) {
        this.s = s;
    }

    /** Parses one header value. */
    public static List<ExtensionParameters> parse(String headerValue) {
        return parse(List.of(headerValue));
    }

    /** Parses every value of the header (one per header field) as one list, in order. */
    public static List<ExtensionParameters> parse(List<String> headerValues) {
        List<ExtensionParameters> out = new ArrayList<>();
        for (String value : headerValues) {
            new ExtensionHeader(value).extensionList(out);
        }
        return List.copyOf(out);
    }

    /**
     * Formats extensions as one header value: {@code a; p=1; q, b}.
     *
     * @throws IllegalArgumentException when a name or value is not a token (RFC 6455 §9.1)
     */
    public static String format(List<ExtensionParameters> extensions) {
        StringBuilder sb = new StringBuilder(formattedLength(extensions));
        for (ExtensionParameters e : extensions) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(checkToken(e.name()));
            for (Parameter p : e.parameters()) {
                sb.append("; ").append(checkToken(p.name()));
                if (p.value() != null) {
                    sb.append('=').append(checkToken(p.value()));
                }
            }
        }
        return sb.toString();
    }

    /** The length {@link #format} gives, so its builder is sized once (a 101 writes one). */
    private static int formattedLength(List<ExtensionParameters> extensions) {
        int n = Math.max(0, 2 * (extensions.size() - 1)); // ", " between extensions
        for (ExtensionParameters e : extensions) {
            n += e.name().length();
            for (Parameter p : e.parameters()) {
                n += 2
                        + p.name().length()
                        + (p.value() == null ? 0 : 1 + p.value().length());
            }
        }
        return n;
    }

    private static String checkToken(String s) {
        if (!HttpGrammar.isToken(s)) {
            throw new IllegalArgumentException("extension names and values must be tokens");
        }
        return s;
    }

    private void extensionList(List<ExtensionParameters> out) {
        int before = out.size();
        while (true) {
            skipOws();
            if (pos == s.length()) {
                break;
            }
            if (s.charAt(pos) == ',') {
                pos++; // RFC 7230 §7: empty list elements are skipped
                continue;
            }
            if (out.size() == MAX_ELEMENTS) {
                throw malformed("too many extensions");
            }
            out.add(extension());
            // extension() stops after OWS at a character that is not ';'
            if (pos < s.length() && s.charAt(pos) != ',') {
                throw malformed("malformed Sec-WebSocket-Extensions");
            }
        }
        if (out.size() == before) {
            // RFC 6455 §9.1: extension-list = 1#extension
            throw malformed("empty Sec-WebSocket-Extensions");
        }
    }

    private ExtensionParameters extension() {
        String name = token();
        List<Parameter> parameters = new ArrayList<>();
        skipOws();
        while (pos < s.length() && s.charAt(pos) == ';') {
            pos++;
            if (parameters.size() == MAX_PARAMETERS) {
                throw malformed("too many extension parameters");
            }
            skipOws();
            String parameter = token();
            String value = null;
            skipOws();
            if (pos < s.length() && s.charAt(pos) == '=') {
                pos++;
                skipOws();
                value = pos < s.length() && s.charAt(pos) == '"' ? quotedString() : token();
                skipOws();
            }
            parameters.add(new Parameter(parameter, value));
        }
        return new ExtensionParameters(name, parameters);
    }

    private String token() {
        int start = pos;
        while (pos < s.length() && HttpGrammar.isTchar(s.charAt(pos))) {
            pos++;
        }
        if (pos == start) {
            throw malformed("malformed Sec-WebSocket-Extensions");
        }
        return s.substring(start, pos);
    }

    /** RFC 7230 §3.2.6 quoted-string; RFC 6455 §9.1: the unescaped value must be a token. */
    private String quotedString() {
        StringBuilder value = new StringBuilder();
        pos++; // opening DQUOTE
        while (pos < s.length()) {
            char c = s.charAt(pos++);
            if (c == '"') {
                if (!HttpGrammar.isToken(value)) {
                    throw malformed("quoted extension value is not a token");
                }
                return value.toString();
            }
            if (c == '\\' && pos < s.length()) {
                c = s.charAt(pos++); // quoted-pair
            }
            value.append(c);
        }
        throw malformed("unterminated quoted-string");
    }

    private void skipOws() {
        while (pos < s.length() && HttpGrammar.isOws(s.charAt(pos))) {
            pos++;
        }
    }

    private static HandshakeException malformed(String message) {
        return new HandshakeException(400, message);
    }
}
