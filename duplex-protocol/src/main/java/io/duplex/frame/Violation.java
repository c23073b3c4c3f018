package io.duplex.frame;

/**
 * Every way a peer can break RFC 6455 / RFC 7692 once the connection is open, each mapped to the
 * close code the endpoint must send when it fails the connection (RFC 6455 §7.1.7, §7.4.1).
 *
 * <p>Threading: an enum; immutable.
 */
public enum Violation {
    // --- 1002 protocol error (RFC 6455 §7.4.1) ---
    /** RFC 6455 §5.2: a reserved opcode (3–7, 0xB–0xF). */
    RESERVED_OPCODE(1002, "reserved opcode"),
    /** RFC 6455 §5.2: an RSV bit set that no negotiated extension claims. */
    RESERVED_BITS(1002, "reserved bits set without a negotiated extension"),
    /** RFC 6455 §5.1: a client must mask every frame it sends to a server. */
    UNMASKED_CLIENT_FRAME(1002, "client frame not masked"),
    /** RFC 6455 §5.1: a server must not mask any frame it sends to a client. */
    MASKED_SERVER_FRAME(1002, "server frame masked"),
    /** RFC 6455 §5.2: the payload length must be encoded in the minimal number of bytes. */
    NON_MINIMAL_LENGTH(1002, "payload length not minimally encoded"),
    /** RFC 6455 §5.2: the most significant bit of a 64-bit length must be 0. */
    LENGTH_TOP_BIT_SET(1002, "64-bit payload length with the most significant bit set"),
    /** RFC 6455 §5.5: control frames carry at most 125 bytes of payload. */
    CONTROL_FRAME_TOO_LONG(1002, "control frame payload over 125 bytes"),
    /** RFC 6455 §5.5: control frames must not be fragmented. */
    FRAGMENTED_CONTROL_FRAME(1002, "fragmented control frame"),
    /** RFC 6455 §5.4: a continuation frame with no message in progress. */
    CONTINUATION_WITHOUT_START(1002, "continuation frame without a message in progress"),
    /** RFC 6455 §5.4: a new data frame while a fragmented message is in progress. */
    NEW_MESSAGE_INSIDE_FRAGMENTED(1002, "new data frame inside a fragmented message"),
    /** RFC 6455 §5.5.1: a close payload of exactly 1 byte. */
    CLOSE_PAYLOAD_ONE_BYTE(1002, "close frame payload of one byte"),
    /** RFC 6455 §7.4: a close code that may not appear on the wire. */
    INVALID_CLOSE_CODE(1002, "invalid close code"),
    /** RFC 6455 §5.5.1: no frames may follow a close frame. */
    DATA_AFTER_CLOSE(1002, "frame received after a close frame"),
    /** RFC 7692 §6: RSV1 set on a control frame or a continuation frame. */
    COMPRESSED_CONTROL_OR_CONTINUATION(1002, "RSV1 on a control or continuation frame"),
    // --- 1007 invalid frame payload data ---
    /** RFC 6455 §8.1: a text message that is not valid UTF-8. */
    INVALID_UTF8(1007, "invalid UTF-8 in a text message"),
    /** RFC 6455 §5.5.1: a close reason that is not valid UTF-8. */
    INVALID_CLOSE_REASON_UTF8(1007, "invalid UTF-8 in a close reason"),

    /** RFC 7692 §6.2: the compressed payload could not be inflated. */
    INVALID_COMPRESSED_DATA(1007, "invalid compressed data"),

    // --- 1008 policy violation (RFC 6455 §7.4.1: a message that violates this end's policy) ---
    /**
     * A fragmented message whose frames are too many for the bytes they carry: beyond the allowed
     * count their average is under the configured minimum ({@code ProtocolConfig}). Not 1009: the
     * message is not too big, its fragmentation is what this end refuses.
     */
    TOO_MANY_FRAGMENTS(1008, "too many fragments for the bytes they carry"),

    // --- 1009 message too big ---
    /** A frame whose declared length exceeds the configured maximum frame size. */
    FRAME_TOO_BIG(1009, "frame too big"),
    /** A message whose (declared or inflated) size exceeds the configured maximum message size. */
    MESSAGE_TOO_BIG(1009, "message too big"),

    // --- 1010 mandatory extension (client side, RFC 6455 §7.4.1) ---
    /** The server did not negotiate an extension the client requires. */
    MISSING_EXTENSION(1010, "required extension not negotiated");

    private final int closeCode;
    private final String reason;

    Violation(int closeCode, String reason) {
        this.closeCode = closeCode;
        this.reason = reason;
    }

    /** The close code an endpoint sends when it fails the connection for this violation. */
    public int closeCode() {
        return closeCode;
    }

    /** A short reason, safe to send to the peer (≤ 123 bytes, ASCII). */
    public String reason() {
        return reason;
    }
}
