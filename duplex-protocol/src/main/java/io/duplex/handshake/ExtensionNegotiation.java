package io.duplex.handshake;

import io.duplex.extension.Extension;
import io.duplex.extension.ExtensionFactory;
import io.duplex.extension.ExtensionParameters;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns {@code Sec-WebSocket-Extensions} elements into negotiated {@link Extension}s, for either
 * role (RFC 6455 §9.1). Extension names are compared exactly, as registered tokens. Two
 * extensions never share an RSV bit: the engine must know which extension a bit belongs to.
 *
 * <p>Whenever negotiation does not return normally, every extension it created is closed, so
 * pooled resources are not leaked.
 *
 * <p>Threading: stateless; safe to call from any thread (the factories must be, see {@link
 * ExtensionFactory}).
 */
public final class ExtensionNegotiation {

    private ExtensionNegotiation() {}

    /**
     * Server role: for each extension name offered, in the client's order of first appearance, the
     * factory of that name (if configured) sees all offers of that name, in the client's order of
     * preference, and accepts one or declines. An accepted extension whose RSV bits overlap those
     * of one accepted before is closed and left out. Malformed offers are the factories' to
     * decline; this never fails the handshake.
     *
     * @return the accepted extensions in the order they go into the response (and are applied)
     */
    public static List<Extension> server(List<ExtensionParameters> offers, List<ExtensionFactory> factories) {
        if (offers.isEmpty()) {
            return List.of(); // most clients offer nothing: nothing to negotiate
        }
        // Offers are grouped by factory, not in a map by name: names without a factory are
        // skipped at once, and each factory's offers are collected when its name first appears,
        // so the work is (offers × factories), linear in the head's size, and a handshake offering
        // one extension builds no tables for it.
        boolean[] asked = new boolean[factories.size()];
        List<Extension> accepted = List.of();
        int claimed = 0;
        try {
            for (int i = 0; i < offers.size(); i++) {
                int f = indexOf(factories, offers.get(i).name());
                if (f < 0 || asked[f]) {
                    continue;
                }
                asked[f] = true;
                Optional<Extension> extension = factories.get(f).serverAccept(offersNamed(offers, i));
                if (extension.isPresent()) {
                    Extension e = extension.get();
                    if ((e.rsv() & claimed) != 0) {
                        e.close(); // RFC 6455 §9: an RSV bit has one meaning per connection
                    } else {
                        claimed |= e.rsv();
                        accepted = with(accepted, e);
                    }
                }
            }
        } catch (RuntimeException e) {
            closeAll(accepted, e);
            throw e;
        }
        return accepted;
    }

    /** The offers from {@code first} on with the name of {@code offers[first]}, in order. */
    private static List<ExtensionParameters> offersNamed(List<ExtensionParameters> offers, int first) {
        String name = offers.get(first).name();
        int n = 0;
        for (int i = first; i < offers.size(); i++) {
            n += offers.get(i).name().equals(name) ? 1 : 0;
        }
        if (n == 1) {
            return List.of(offers.get(first));
        }
        ExtensionParameters[] named = new ExtensionParameters[n];
        for (int i = first, j = 0; j < n; i++) {
            if (offers.get(i).name().equals(name)) {
                named[j++] = offers.get(i);
            }
        }
        return List.of(named);
    }

    /** {@code list} and {@code e}, immutable (a server accepts one or two extensions). */
    private static List<Extension> with(List<Extension> list, Extension e) {
        if (list.isEmpty()) {
            return List.of(e);
        }
        List<Extension> more = new ArrayList<>(list);
        more.add(e);
        return List.copyOf(more);
    }

    /**
     * Client role (RFC 6455 §4.1, last steps): every element of the server's response must name
     * an extension we offered, at most once, and be acceptable to its factory; the extensions'
     * RSV bits must not overlap.
     *
     * @return the extensions in response order (the order they are applied)
     * @throws HandshakeException (400) on any of these failures, after closing the extensions
     *     already created
     */
    public static List<Extension> client(List<ExtensionParameters> response, List<ExtensionFactory> offered) {
        List<Extension> created = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int claimed = 0;
        try {
            for (ExtensionParameters element : response) {
                ExtensionFactory factory = find(offered, element.name());
                if (factory == null) {
                    throw fail("server accepted an extension that was not offered");
                }
                if (!seen.add(element.name())) {
                    throw fail("server accepted an extension twice");
                }
                Extension e = factory.clientAccept(element)
                        .orElseThrow(() -> fail("server accepted an extension with unacceptable parameters"));
                created.add(e);
                if ((e.rsv() & claimed) != 0) {
                    throw fail("negotiated extensions claim the same RSV bit");
                }
                claimed |= e.rsv();
            }
        } catch (RuntimeException e) {
            closeAll(created, e);
            throw e;
        }
        return List.copyOf(created);
    }

    private static ExtensionFactory find(List<ExtensionFactory> factories, String name) {
        int i = indexOf(factories, name);
        return i < 0 ? null : factories.get(i);
    }

    private static int indexOf(List<ExtensionFactory> factories, String name) {
        for (int i = 0; i < factories.size(); i++) {
            if (factories.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Closes every extension; a failure to close is attached to {@code failure}, not thrown. */
    private static void closeAll(List<Extension> extensions, RuntimeException failure) {
        for (Extension e : extensions) {
            try {
                e.close();
            } catch (RuntimeException closeFailure) {
                failure.addSuppressed(closeFailure);
            }
        }
    }

    private static HandshakeException fail(String message) {
        return new HandshakeException(400, message);
    }
}
