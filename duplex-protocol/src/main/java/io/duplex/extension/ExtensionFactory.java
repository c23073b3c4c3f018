package io.duplex.extension;

import java.util.List;
import java.util.Optional;

/**
 * Negotiates one kind of extension during the opening handshake (RFC 6455 §9.1) and creates the
 * per-connection {@link Extension}. Installed only after negotiation succeeds.
 *
 * <p>Threading: implementations must be safe to call from any thread (one factory serves every
 * connection of a server or client).
 */
public interface ExtensionFactory {

    /** The extension token, e.g. {@code permessage-deflate}. */
    String name();

    /** The RSV bits the extensions made by this factory claim. */
    int rsv();

    /** Client role: the offers to put in the request, most preferred first. */
    List<ExtensionParameters> clientOffers();

    /**
     * Client role: the server accepted one of our offers with {@code response}. Returns the
     * extension, or empty when the response is unacceptable (the client then fails the
     * connection, RFC 6455 §4.1).
     */
    Optional<Extension> clientAccept(ExtensionParameters response);

    /**
     * Server role: the client's offers for this extension, in the client's order of preference.
     * Returns the accepted extension (whose {@link Extension#negotiated()} goes into the response)
     * or empty to decline all of them. Never throws for a malformed offer: it declines it.
     */
    Optional<Extension> serverAccept(List<ExtensionParameters> offers);

    /**
     * A copy of this factory for one thread to own: a runtime with several event loops takes one
     * per loop, so per-connection resources (e.g. pooled compression codecs) come from a pool
     * that thread owns and needs no locks. The default: this factory, for factories without such
     * resources.
     */
    default ExtensionFactory forThread() {
        return this;
    }
}
