package io.duplex.topics;

import io.duplex.UpgradeDecision;
import io.duplex.UpgradeRequest;
import io.duplex.Upgrader;
import java.util.List;

/**
 * The handshake rule of the topics protocol: a client that offers {@value TopicsHandler#SUBPROTOCOL}
 * gets it selected; one that offers no subprotocol is served version 1 as well (so a generic
 * client can type it); one that offers only others is refused with 400 before the application's
 * upgrader is asked. Otherwise the application's upgrader decides (authentication).
 *
 * <p>Threading: immutable; safe from every event loop as its inner upgrader is.
 */
final class SubprotocolSelection implements Upgrader {
    private final Upgrader next;

    SubprotocolSelection(Upgrader next) {
        this.next = next;
    }

    @Override
    public UpgradeDecision upgrade(UpgradeRequest request) {
        List<String> offered = request.offeredSubprotocols();
        boolean offersTopics = offered.contains(TopicsHandler.SUBPROTOCOL);
        if (!offered.isEmpty() && !offersTopics) {
            return UpgradeDecision.reject(400, "this endpoint speaks subprotocol " + TopicsHandler.SUBPROTOCOL);
        }
        UpgradeDecision decision = next.upgrade(request);
        if (offersTopics && decision instanceof UpgradeDecision.Accept a && a.subprotocol() == null) {
            return new UpgradeDecision.Accept(
                    TopicsHandler.SUBPROTOCOL, a.attachment(), a.headers(), a.credentialExpiry());
        }
        return decision;
    }
}
