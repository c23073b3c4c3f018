package io.duplex.internal;

import io.duplex.deflate.DeflaterPool;
import io.duplex.deflate.PerMessageDeflate;
import io.duplex.extension.ExtensionFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives each event loop its own copy of the extension factories: permessage-deflate borrows its
 * Deflaters/Inflaters from a pool owned by the loop (not thread-safe, no locks), so an idle
 * compressed connection holds none (RFC 7692 without context takeover; DESIGN §3).
 *
 * <p>Threading: {@link #forLoop} is called once per loop at start-up; the result is confined to
 * that loop.
 */
public final class LoopExtensions {
    /** Idle codecs kept per loop; beyond it they are ended. */
    static final int POOLED_CODECS = 8;

    private LoopExtensions() {}

    public static List<ExtensionFactory> forLoop(List<ExtensionFactory> factories) {
        List<ExtensionFactory> mine = new ArrayList<>(factories.size());
        for (ExtensionFactory f : factories) {
            mine.add(
                    f instanceof PerMessageDeflate deflate ? deflate.withPool(DeflaterPool.bounded(POOLED_CODECS)) : f);
        }
        return List.copyOf(mine);
    }
}
