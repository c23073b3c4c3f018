package io.duplex.handshake;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The words that recur in every WebSocket upgrade request — the method, the version, the field
 * names clients send and the values of the handshake's own fields — so that {@link
 * HttpHeadParser} can hand out one shared {@code String} for each instead of a new one per
 * request (two objects each: a handshake head is mostly these words).
 *
 * <p>A word is reused only when the bytes spell it exactly, case included: the parsed head holds
 * the same characters either way, and field names keep the spelling the client sent (RFC 7230
 * §3.2: they are compared case-insensitively, but {@link Headers} keeps them as given).
 *
 * <p>Threading: immutable after class initialisation; safe from any thread.
 */
final class HeadVocabulary {
    /** Field names as clients spell them; their lower-case forms are added (HTTP/2 gateways). */
    private static final List<String> FIELD_NAMES = List.of(
            "Host",
            "Upgrade",
            "Connection",
            "Origin",
            "Sec-WebSocket-Key",
            "Sec-WebSocket-Version",
            "Sec-WebSocket-Extensions",
            "Sec-WebSocket-Protocol",
            "User-Agent",
            "Cookie",
            "Authorization",
            "Pragma",
            "Cache-Control",
            "Accept",
            "Accept-Encoding",
            "Accept-Language",
            "Sec-Fetch-Dest",
            "Sec-Fetch-Mode",
            "Sec-Fetch-Site",
            "Forwarded",
            "X-Forwarded-For",
            "X-Forwarded-Proto",
            "X-Real-IP",
            "Content-Length",
            "Transfer-Encoding");
    /** The start line's method and version, and values of the handshake's fields. */
    private static final List<String> OTHER_WORDS = List.of(
            "GET",
            "HTTP/1.1",
            "websocket",
            "Upgrade",
            "upgrade",
            "keep-alive, Upgrade",
            "13",
            "no-cache",
            "permessage-deflate",
            "permessage-deflate; client_max_window_bits");
    /** The words by length: {@code WORDS[n]} holds those of {@code n} characters. */
    private static final String[][] WORDS = byLength();
    /** {@link #WORDS} in ISO-8859-1, compared with {@code Arrays.equals} (vectorised by the JIT). */
    private static final byte[][][] BYTES = bytes(WORDS);

    private HeadVocabulary() {}

    /**
     * The characters of {@code bytes[from, to)} (ISO-8859-1, RFC 7230 §3.2.4): a shared word when
     * they spell one exactly, else a new {@code String}.
     */
    static String string(byte[] bytes, int from, int to) {
        int length = to - from;
        if (length < WORDS.length) {
            byte[][] candidates = BYTES[length];
            for (int i = 0; i < candidates.length; i++) {
                byte[] c = candidates[i];
                // The first and last bytes tell most words of a length apart before a full compare.
                if (c[0] == bytes[from]
                        && c[length - 1] == bytes[to - 1]
                        && Arrays.equals(bytes, from, to, c, 0, length)) {
                    return WORDS[length][i];
                }
            }
        }
        return new String(bytes, from, length, StandardCharsets.ISO_8859_1);
    }

    private static byte[][][] bytes(String[][] words) {
        byte[][][] bytes = new byte[words.length][][];
        for (int n = 0; n < words.length; n++) {
            bytes[n] = new byte[words[n].length][];
            for (int i = 0; i < words[n].length; i++) {
                bytes[n][i] = words[n][i].getBytes(StandardCharsets.ISO_8859_1);
            }
        }
        return bytes;
    }

    private static String[][] byLength() {
        List<String> words = new ArrayList<>(OTHER_WORDS);
        for (String name : FIELD_NAMES) {
            words.add(name);
            words.add(name.toLowerCase(Locale.ROOT));
        }
        int longest = 0;
        for (String w : words) {
            longest = Math.max(longest, w.length());
        }
        String[][] table = new String[longest + 1][];
        for (int n = 0; n <= longest; n++) {
            int length = n;
            table[n] =
                    words.stream().filter(w -> w.length() == length).distinct().toArray(String[]::new);
        }
        return table;
    }
}
