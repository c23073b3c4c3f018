package io.duplex.internal;

import io.duplex.extension.ExtensionFactory;
import java.util.List;

/**
 * Gives each event loop its own copy of the extension factories ({@link
 * ExtensionFactory#forThread()}): permessage-deflate then borrows its Deflaters/Inflaters from a
 * pool owned by the loop (not thread-safe, no locks), so an idle compressed connection holds none
 * (RFC 7692 without context takeover). The runtime does not know which extensions these are.
 *
 * <p>Threading: {@link #forLoop} is called once per loop at start-up; the result is confined to
 * that loop.
 */
public final class LoopExtensions {
    private LoopExtensions() {}

    public static List<ExtensionFactory> forLoop(List<ExtensionFactory> factories) {
        return factories.stream().map(ExtensionFactory::forThread).toList();
    }
}
