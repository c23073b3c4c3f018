package io.duplex.deflate;

import io.duplex.extension.Extension;
import io.duplex.extension.SharedEncoding;
import io.duplex.frame.Rsv;
import java.nio.ByteBuffer;

/**
 * permessage-deflate as every connection without context takeover on its sending side encodes a
 * message (RFC 7692 §7.1.1.1: each message starts from an empty window, so the output depends only
 * on the payload, the level and the threshold): a broadcast is compressed once for all of them.
 * Messages under the threshold, empty ones, and ones compression does not shrink are sent plain
 * (§6 lets any message go out uncompressed).
 *
 * <p>Threading: immutable; {@link #encode} is safe from any thread (it uses a deflater of its own
 * per call, since the caller may be any event loop).
 *
 * @param level the {@link java.util.zip.Deflater} level
 * @param threshold messages shorter than this many bytes are sent uncompressed
 */
public record SharedDeflate(int level, int threshold) implements SharedEncoding {

    @Override
    public Extension.Encoded encode(boolean text, ByteBuffer payload) {
        int length = payload.remaining();
        if (length == 0 || length < threshold) {
            return new Extension.Encoded(payload, 0);
        }
        DeflatedPayload compressed = PerMessageDeflate.compressOnce(payload, level);
        return compressed.saves()
                ? new Extension.Encoded(compressed.payload(), Rsv.RSV1)
                : new Extension.Encoded(payload, 0);
    }
}
