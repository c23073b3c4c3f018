package io.duplex.handshake;

import io.duplex.extension.Extension;
import io.duplex.extension.ExtensionFactory;
import io.duplex.extension.ExtensionParameters;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
            return List.of(); // most clients offer nothing: no tables to build for it
        }
        Map<String, List<ExtensionParameters>> byName = new LinkedHashMap<>();
        for (ExtensionParameters offer : offers) {
            byName.computeIfAbsent(offer.name(), n -> new ArrayList<>()).add(offer);
        }
        List<Extension> accepted = new ArrayList<>();
        int claimed = 0;
        try {
            for (Map.Entry<String, List<ExtensionParameters>> entry : byName.entrySet()) {
                ExtensionFactory factory = find(factories, entry.getKey());
                Optional<Extension> extension =
                        factory == null ? Optional.empty() : factory.serverAccept(List.copyOf(entry.getValue()));
                if (extension.isPresent()) {
                    Extension e = extension.get();
                    if ((e.rsv() & claimed) != 0) {
                        e.close(); // RFC 6455 §9: an RSV bit has one meaning per connection
                    } else {
                        claimed |= e.rsv();
                        accepted.add(e);
                    }
                }
            }
        } catch (RuntimeException e) {
            closeAll(accepted, e);
            throw e;
        }
        return List.copyOf(accepted);
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
        for (ExtensionFactory f : factories) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        return null;
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
