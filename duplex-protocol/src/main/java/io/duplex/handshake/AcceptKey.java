package io.duplex.handshake;

import java.nio.charset.StandardCharsets;
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

    private static final int KEY_BYTES = 16;
    private static final int KEY_CHARS = 24;

    private AcceptKey() {}

    /**
     * RFC 6455 §4.2.2 step 5.4: {@code base64(SHA-1(key + GUID))}. For {@code
     * dGhlIHNhbXBsZSBub25jZQ==} this is {@code s3pPLMBiTxaQ9kYGzzhZRbK+xOo=}.
     */
    public static String of(String secWebSocketKey) {
        byte[] digest = SHA1.get().digest((secWebSocketKey + GUID).getBytes(StandardCharsets.ISO_8859_1));
        return Base64.getEncoder().encodeToString(digest);
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
        if (key.length() != KEY_CHARS) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == KEY_BYTES;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * One digest per thread, reused: {@code MessageDigest.getInstance} searches the security
     * providers on every call, a third of what computing the accept value cost a server's
     * handshake. {@code digest()} resets it, so nothing carries over between calls.
     */
    private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(AcceptKey::sha1);

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-1 (MessageDigest Javadoc).
            throw new IllegalStateException(e);
        }
    }
}
