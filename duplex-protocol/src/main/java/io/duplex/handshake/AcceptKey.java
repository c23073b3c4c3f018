package io.duplex.handshake;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Random;

/**
 * The {@code Sec-WebSocket-Key} nonce and the {@code Sec-WebSocket-Accept} value derived from it
 * (RFC 6455 §1.3, §4.2.2).
 *
 * <p>Threading: stateless; safe to call from any thread (the {@link Random} passed to {@link
 * #newKey(Random)} must be safe for the caller's use).
 */
public final class AcceptKey {

    /** RFC 6455 §1.3: the GUID appended to the key before hashing. */
    public static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private static final byte[] GUID_BYTES = GUID.getBytes(StandardCharsets.ISO_8859_1);
    private static final int KEY_BYTES = 16;
    private static final int KEY_CHARS = 24;
    /** Base64 of the 20-byte SHA-1 digest, one {@code =} of padding included. */
    private static final int ACCEPT_CHARS = 28;

    private AcceptKey() {}

    /**
     * RFC 6455 §4.2.2 step 5.4: {@code base64(SHA-1(key + GUID))}. For {@code
     * dGhlIHNhbXBsZSBub25jZQ==} this is {@code s3pPLMBiTxaQ9kYGzzhZRbK+xOo=}.
     */
    public static String of(String secWebSocketKey) {
        return new String(SCRATCH.get().accept(secWebSocketKey), StandardCharsets.ISO_8859_1);
    }

    /**
     * {@link #of(String)} as ASCII bytes, in an array of the calling thread's that the next call on
     * the same thread overwrites: copy it out at once. A server writes it straight into its 101
     * response, without the {@code String}s and arrays in between.
     */
    static byte[] asciiOf(String secWebSocketKey) {
        return SCRATCH.get().accept(secWebSocketKey);
    }

    /** RFC 6455 §4.1: a new key, 16 random bytes in base64 (24 characters). */
    public static String newKey(Random random) {
        byte[] nonce = new byte[KEY_BYTES];
        random.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /**
     * RFC 6455 §4.2.1 item 5: whether {@code key} is base64 that decodes to exactly 16 bytes. A
     * comma list of keys or any whitespace is refused.
     */
    public static boolean isValidKey(String key) {
        // 16 bytes are 22 base64 characters and "==" (RFC 4648 §4). Checked character by
        // character rather than by decoding: the decoded bytes are not needed. Like the JDK's
        // decoder, this does not ask the unused low bits of the last character to be zero.
        if (key.length() != KEY_CHARS || key.charAt(KEY_CHARS - 2) != '=' || key.charAt(KEY_CHARS - 1) != '=') {
            return false;
        }
        for (int i = 0; i < KEY_CHARS - 2; i++) {
            if (!isBase64(key.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** RFC 4648 §4: the base64 alphabet (not the URL-safe one of §5). */
    private static boolean isBase64(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    }

    /**
     * One digest per thread, reused, with the arrays the computation goes through: {@code
     * MessageDigest.getInstance} searches the security providers on every call, a third of what
     * computing the accept value cost a server's handshake, and the key, digest and base64 arrays
     * were most of the rest of its garbage. {@code digest} resets the digest, so nothing carries
     * over between calls.
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * A thread's SHA-1 digest and the arrays one accept value is computed in.
     *
     * <p>Threading: confined to its thread.
     */
    private static final class Scratch {
        private final MessageDigest sha1 = sha1();
        private final byte[] key = new byte[KEY_CHARS];
        private final byte[] digest = new byte[20];
        private final byte[] accept = new byte[ACCEPT_CHARS];

        /** {@code base64(SHA-1(key + GUID))} in {@link #accept}. */
        byte[] accept(String secWebSocketKey) {
            if (secWebSocketKey.length() == KEY_CHARS) {
                for (int i = 0; i < KEY_CHARS; i++) {
                    char c = secWebSocketKey.charAt(i);
                    key[i] = c <= 0xFF ? (byte) c : (byte) '?'; // as getBytes(ISO_8859_1) would
                }
                sha1.update(key);
            } else {
                // Not a valid key (a server never gets here); clients may still ask.
                sha1.update(secWebSocketKey.getBytes(StandardCharsets.ISO_8859_1));
            }
            sha1.update(GUID_BYTES);
            try {
                sha1.digest(digest, 0, digest.length);
            } catch (DigestException e) {
                throw new IllegalStateException(e); // 20 bytes is SHA-1's length
            }
            Base64.getEncoder().encode(digest, accept);
            return accept;
        }
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-1 (MessageDigest Javadoc).
            throw new IllegalStateException(e);
        }
    }
}
