package io.duplex;

/**
 * Decides each upgrade request after the protocol checks (method, version, key, Origin) passed:
 * authentication and authorization live here. Returning a {@link UpgradeDecision.Reject} sends that
 * HTTP status and closes the connection.
 *
 * <p>Threading: called on the connection's event loop; must not block (look credentials up in
 * memory, or validate a signed token). Must be safe to call concurrently from several loops.
 */
@FunctionalInterface
public interface Upgrader {

    UpgradeDecision upgrade(UpgradeRequest request);

    /** Accepts everything that passed the protocol checks. */
    static Upgrader acceptAll() {
        return request -> UpgradeDecision.accept();
    }
}
