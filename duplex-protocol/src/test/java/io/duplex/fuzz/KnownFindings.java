package io.duplex.fuzz;

/**
 * Bugs the fuzz targets found that are not fixed yet (docs/security.md, "Fuzzing"). Each switch
 * relaxes the one oracle the bug breaks, so that fuzzing goes on finding new bugs instead of the
 * same one; the input that shows it is kept in the regression corpus as {@code finding-<id>-…}.
 * When the bug is fixed, set the switch to {@code false}: the strict oracle comes back and the
 * kept input then guards the fix.
 */
final class KnownFindings {
    private KnownFindings() {}

    /**
     * F1: with permessage-deflate, which 1007 violation ({@code INVALID_UTF8} or {@code
     * INVALID_COMPRESSED_DATA}) a bad compressed text message fails with depends on how its bytes
     * were split; the close code is the same.
     */
    static final boolean F1_INFLATE_FAILURE_DEPENDS_ON_SPLIT = true;

    /**
     * F2: after {@code Protocol.sendFragment} refuses invalid UTF-8 in the middle of a text
     * message, the message can neither go on nor end, and no other data message can be sent.
     */
    static final boolean F2_REFUSED_FRAGMENT_WEDGES_SENDER = false;
}
