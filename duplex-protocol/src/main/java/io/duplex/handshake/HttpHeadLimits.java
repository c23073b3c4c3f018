package io.duplex.handshake;

/**
 * Bounds on an HTTP head read by {@link HttpHeadParser}; checked byte by byte, before memory is
 * committed (invariant 7 in docs/ARCHITECTURE.md).
 *
 * <p>Threading: immutable; safe to share.
 *
 * @param maxLineLength the most bytes in one line, CRLF excluded (default 8192)
 * @param maxHeaders the most header fields (default 100)
 * @param maxHeadSize the most bytes in the whole head, every CRLF and the final empty line
 *     included (default 8192)
 */
public record HttpHeadLimits(int maxLineLength, int maxHeaders, int maxHeadSize) {

    /** 8 KiB lines, 100 header fields, 8 KiB in all (docs/ARCHITECTURE.md, "Defaults"). */
    public static final HttpHeadLimits DEFAULT = new HttpHeadLimits(8192, 100, 8192);

    public HttpHeadLimits {
        if (maxLineLength < 1 || maxHeaders < 0 || maxHeadSize < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
