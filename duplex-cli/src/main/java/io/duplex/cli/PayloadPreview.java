package io.duplex.cli;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * One-line renderings of payloads for people: text quoted with escapes and cut at a length, bytes
 * in hex, close frames as code, meaning and reason ({@code 1000 normal "bye"}).
 *
 * <p>Threading: stateless.
 */
public final class PayloadPreview {
    private PayloadPreview() {}

    /** RFC 6455 §7.4.1 and the IANA registry: what a close code means, in a few words. */
    static String closeCodeName(int code) {
        return switch (code) {
            case 1000 -> "normal";
            case 1001 -> "going away";
            case 1002 -> "protocol error";
            case 1003 -> "unsupported data";
            case 1005 -> "no status";
            case 1006 -> "abnormal closure";
            case 1007 -> "invalid payload";
            case 1008 -> "policy violation";
            case 1009 -> "message too big";
            case 1010 -> "mandatory extension";
            case 1011 -> "internal error";
            case 1012 -> "service restart";
            case 1013 -> "try again later";
            case 1014 -> "bad gateway";
            case 1015 -> "TLS handshake";
            default ->
                code >= 3000 && code <= 3999 ? "registered" : code >= 4000 && code <= 4999 ? "private" : "reserved";
        };
    }

    /** {@code 1000 normal}, plus {@code "reason"} when there is one. */
    public static String close(int code, String reason) {
        return code + " " + closeCodeName(code) + (reason == null || reason.isEmpty() ? "" : " " + quote(reason, 123));
    }

    /** A close frame's payload (RFC 6455 §5.5.1): empty, or a 2-byte code and a UTF-8 reason. */
    public static String closePayload(byte[] payload, int length) {
        if (length == 0) {
            return "(no code: 1005 no status)";
        }
        if (length == 1) {
            return "(malformed: 1 byte)";
        }
        int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        String reason = new String(payload, 2, Math.min(length, payload.length) - 2, StandardCharsets.UTF_8);
        return close(code, reason);
    }

    /**
     * Text in double quotes, control characters and quotes escaped, cut after {@code max}
     * characters with the number of characters left out.
     */
    static String quote(CharSequence text, int max) {
        StringBuilder sb = new StringBuilder(Math.min(text.length(), max) + 8).append('"');
        int shown = Math.min(text.length(), max);
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
        if (text.length() > max) {
            sb.append("…(+").append(text.length() - max).append(" chars)");
        }
        return sb.toString();
    }

    /**
     * The first bytes of a payload as text when they are valid UTF-8 (an incomplete sequence at
     * the cut is tolerated), else as hex. {@code total} is the whole payload length, for the
     * "more bytes" note.
     */
    public static String textOrHex(byte[] bytes, int length, long total, int maxChars) {
        String text = strictUtf8(bytes, length, length >= total);
        if (text != null) {
            String q = quote(text, maxChars);
            return total > length && text.length() <= maxChars ? q + "…(+" + (total - length) + " bytes)" : q;
        }
        return hex(bytes, length, total, maxChars);
    }

    /**
     * A text payload (or its first bytes): decoded as UTF-8 with malformed sequences replaced by
     * U+FFFD (a fragment may end inside a character), quoted and cut after {@code maxChars}.
     */
    public static String text(byte[] bytes, int length, long total, int maxChars) {
        String q = quote(new String(bytes, 0, length, StandardCharsets.UTF_8), maxChars);
        return total > length && !q.endsWith(" chars)") ? q + "…(+" + (total - length) + " bytes)" : q;
    }

    /** Lower-case hex of the first bytes, at most {@code maxDigits} digits, then how many bytes were left out. */
    public static String hex(byte[] bytes, int length, long total, int maxDigits) {
        int n = Math.min(length, Math.max(1, maxDigits / 2));
        String digits = HexFormat.of().formatHex(bytes, 0, n);
        return total > n ? digits + "…(+" + (total - n) + " bytes)" : digits;
    }

    /**
     * Decodes UTF-8 strictly; a sequence cut at the end is allowed only when the payload goes on
     * ({@code complete} false). Null when the bytes are not UTF-8, or are mostly control
     * characters (binary that happens to decode).
     */
    private static String strictUtf8(byte[] bytes, int length, boolean complete) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer out = CharBuffer.allocate(length);
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, length);
        if (decoder.decode(in, out, complete).isError() || (complete ? in.hasRemaining() : in.remaining() > 3)) {
            return null;
        }
        String s = out.flip().toString();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
                return null;
            }
        }
        return s;
    }
}
