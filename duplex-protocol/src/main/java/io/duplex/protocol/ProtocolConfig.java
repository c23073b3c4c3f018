package io.duplex.protocol;

/**
 * Limits and switches of the engine. Defaults are safe for the open internet (docs/ARCHITECTURE.md, "Defaults"): 1 MiB
 * frames and messages (after inflation too); 1024 fragments per message whatever their size, more
 * when they carry at least 32 bytes each on average.
 *
 * <p>The fragment rule: frame {@code n} of a data message is accepted when {@code n <= maxFragments}
 * or when the message's frames so far, this one included, declare at least {@code n *
 * minFragmentSize} payload bytes (raw, before any decompression). A message within the size limit
 * is therefore never refused for its fragmentation alone unless its frames average under {@code
 * minFragmentSize} bytes, and the frames one message may span stay bounded by {@code
 * max(maxFragments, maxMessageSize / minFragmentSize)}: a flood of empty or tiny continuations is
 * refused at frame {@code maxFragments + 1}. The check runs on the frame header, before the
 * payload is stored (invariant 7).
 *
 * <p>Threading: immutable; safe to share.
 *
 * @param maxFrameSize the largest declared frame payload accepted (else 1009)
 * @param maxMessageSize the largest message accepted, summed over fragments and after any
 *     decompression (else 1009)
 * @param maxFragments the frames one data message may span whatever their size (else 1008, see
 *     {@code minFragmentSize})
 * @param minFragmentSize beyond {@code maxFragments} frames, the average payload bytes per frame a
 *     message must keep (else 1008); {@code 0} makes {@code maxFragments} a hard count
 * @param autoPong whether a received Ping is answered with a Pong automatically (RFC 6455 §5.5.2)
 * @param assembleMessages whether fragmented messages are assembled into one {@link Event.Text} or
 *     {@link Event.Binary}; when {@code false} each data frame is delivered as an {@link
 *     Event.Fragment} as it completes
 */
public record ProtocolConfig(
        long maxFrameSize,
        long maxMessageSize,
        int maxFragments,
        int minFragmentSize,
        boolean autoPong,
        boolean assembleMessages) {

    public static final long DEFAULT_MAX_SIZE = 1 << 20;
    public static final int DEFAULT_MAX_FRAGMENTS = 1024;
    public static final int DEFAULT_MIN_FRAGMENT_SIZE = 32;
    public static final ProtocolConfig DEFAULT = builder().build();

    public ProtocolConfig {
        if (maxFrameSize < 125 || maxMessageSize < 1 || maxFragments < 1) {
            throw new IllegalArgumentException("limits must allow at least a control frame and one fragment");
        }
        if (minFragmentSize < 0) {
            throw new IllegalArgumentException("minFragmentSize must not be negative");
        }
        if (maxMessageSize > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxMessageSize above 2 GiB cannot be held in one buffer");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .maxFrameSize(maxFrameSize)
                .maxMessageSize(maxMessageSize)
                .maxFragments(maxFragments)
                .minFragmentSize(minFragmentSize)
                .autoPong(autoPong)
                .assembleMessages(assembleMessages);
    }

    /** Builds a {@link ProtocolConfig}; not thread-safe. */
    public static final class Builder {
        private long maxFrameSize = DEFAULT_MAX_SIZE;
        private long maxMessageSize = DEFAULT_MAX_SIZE;
        private int maxFragments = DEFAULT_MAX_FRAGMENTS;
        private int minFragmentSize = DEFAULT_MIN_FRAGMENT_SIZE;
        private boolean autoPong = true;
        private boolean assembleMessages = true;

        private Builder() {}

        public Builder maxFrameSize(long bytes) {
            this.maxFrameSize = bytes;
            return this;
        }

        public Builder maxMessageSize(long bytes) {
            this.maxMessageSize = bytes;
            return this;
        }

        public Builder maxFragments(int count) {
            this.maxFragments = count;
            return this;
        }

        /** Beyond {@code maxFragments} frames, the average bytes per frame a message must keep. */
        public Builder minFragmentSize(int bytes) {
            this.minFragmentSize = bytes;
            return this;
        }

        public Builder autoPong(boolean autoPong) {
            this.autoPong = autoPong;
            return this;
        }

        public Builder assembleMessages(boolean assemble) {
            this.assembleMessages = assemble;
            return this;
        }

        public ProtocolConfig build() {
            return new ProtocolConfig(
                    maxFrameSize, maxMessageSize, maxFragments, minFragmentSize, autoPong, assembleMessages);
        }
    }
}
