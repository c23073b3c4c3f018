package io.duplex.frame;

/**
 * The three reserved bits of the first frame byte (RFC 6455 §5.2), as masks over that byte.
 *
 * <p>Threading: constants only.
 */
public final class Rsv {
    public static final int RSV1 = 0x40;
    public static final int RSV2 = 0x20;
    public static final int RSV3 = 0x10;
    public static final int ALL = RSV1 | RSV2 | RSV3;

    private Rsv() {}
}
