package io.duplex;

import java.util.concurrent.CompletionStage;

/**
 * An {@link Upgrader} that decides later: it returns a stage that completes with the decision,
 * e.g. after asking a token service, and the event loop goes on serving other connections
 * meanwhile. The connection stops reading until the decision arrives.
 *
 * <p>The wait is bounded by the handshake timeout ({@link WebSocketConfig#handshakeTimeout()},
 * counted from the connection's accept): a stage still pending then is answered <b>504 Gateway
 * Timeout</b> (RFC 9110 §15.6.5: the server did not hear from an upstream it needed in time) and
 * the connection is freed; the decision arriving later is ignored. A stage completed
 * exceptionally, or with {@code null}, is answered 500 and logged. A decision for a connection
 * whose client has gone meanwhile is dropped.
 *
 * <p>Threading: {@link #upgradeAsync} is called on the connection's event loop and must return
 * without blocking (start the call, return its stage); the stage may complete on any thread. Must
 * be safe to call concurrently from several loops.
 */
@FunctionalInterface
public interface AsyncUpgrader extends Upgrader {

    CompletionStage<UpgradeDecision> upgradeAsync(UpgradeRequest request);

    /**
     * Not used by the server, which calls {@link #upgradeAsync}; code that only knows {@link
     * Upgrader} (a wrapper) must not block on this one.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    default UpgradeDecision upgrade(UpgradeRequest request) {
        throw new UnsupportedOperationException("an AsyncUpgrader answers through upgradeAsync");
    }
}
