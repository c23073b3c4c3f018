package io.duplex.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Close status codes (RFC 6455 §7.4, IANA registry).
 *
 * <p>Threading: constants and pure functions only.
 */
public final class CloseCodes {
    public static final int NORMAL = 1000;
    public static final int GOING_AWAY = 1001;
    public static final int PROTOCOL_ERROR = 1002;
    public static final int UNSUPPORTED_DATA = 1003;
    /** Never on the wire: the Close frame carried no status code. */
    public static final int NO_STATUS = 1005;
    /** Never on the wire: the connection closed without a Close frame. */
    public static final int ABNORMAL = 1006;

    public static final int INVALID_PAYLOAD = 1007;
    public static final int POLICY_VIOLATION = 1008;
    public static final int MESSAGE_TOO_BIG = 1009;
    public static final int MANDATORY_EXTENSION = 1010;
    public static final int INTERNAL_ERROR = 1011;
    public static final int SERVICE_RESTART = 1012;
    public static final int TRY_AGAIN_LATER = 1013;
    public static final int BAD_GATEWAY = 1014;
    /** Never on the wire: the TLS handshake failed. */
    public static final int TLS_HANDSHAKE = 1015;

    /** The longest close reason: 125 bytes of control payload minus the 2-byte code (§5.5). */
    public static final int MAX_REASON_BYTES = 123;

    private CloseCodes() {}

    /**
     * Whether {@code code} may appear in a Close frame: 1000–1003 and 1007–1014 (defined or
     * IANA-registered), 3000–4999 (libraries, applications). 1004 is reserved, 1005, 1006 and 1015
     * must never be sent (§7.4.1), and 1016–2999 are reserved for future protocol use (§7.4.2).
     */
    public static boolean isValidOnWire(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    /**
     * Checks that a Close frame with {@code code} and {@code reason} may be sent: a code valid on
     * the wire (§7.4) and a reason that fits a control frame's 125 bytes with the code (§5.5).
     *
     * @throws IllegalArgumentException naming which of the two is wrong
     */
    public static void checkSendable(int code, String reason) {
        if (!isValidOnWire(code)) {
            throw new IllegalArgumentException("close code " + code + " may not be sent");
        }
        if (reason.getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
            throw new IllegalArgumentException("close reason over 123 UTF-8 bytes");
        }
    }
}
