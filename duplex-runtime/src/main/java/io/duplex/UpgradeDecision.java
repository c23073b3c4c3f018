package io.duplex;

import io.duplex.handshake.Headers;
import java.time.Instant;

/**
 * An {@link Upgrader}'s answer: accept (optionally choosing a subprotocol and attaching an
 * identity) or reject with an HTTP status.
 *
 * <p>Threading: immutable; safe to share.
 */
public sealed interface UpgradeDecision {

    /**
     * Accept; {@code subprotocol} must be one the client offered (or {@code null}).
     *
     * @param credentialExpiry when the credential the client connected with expires, or {@code
     *     null}: then the server closes the connection with {@link WebSocket#CREDENTIAL_EXPIRED}
     *     unless the application extended it first ({@link WebSocket#extendCredential})
     * @param extensionsDeclined answer without the extensions the server negotiated (no {@code
     *     Sec-WebSocket-Extensions}: RFC 6455 §9.1 lets a server decline every offered extension),
     *     for endpoints whose protocol does not use them, e.g. Socket.IO, whose reference server
     *     negotiates no permessage-deflate by default
     */
    record Accept(
            String subprotocol,
            Object attachment,
            Headers headers,
            Instant credentialExpiry,
            boolean extensionsDeclined)
            implements UpgradeDecision {

        /** {@link UpgradeDecision#accept()}: a value, so one serves every request. */
        private static final Accept PLAIN = new Accept(null, null, Headers.EMPTY);

        public Accept(String subprotocol, Object attachment, Headers headers, Instant credentialExpiry) {
            this(subprotocol, attachment, headers, credentialExpiry, false);
        }

        public Accept(String subprotocol, Object attachment, Headers headers) {
            this(subprotocol, attachment, headers, null, false);
        }

        /** This decision, with the connection's credential expiring at {@code expiry}. */
        public Accept withCredentialExpiry(Instant expiry) {
            return new Accept(subprotocol, attachment, headers, expiry, extensionsDeclined);
        }

        /** This decision, answered without any extension (see {@code extensionsDeclined}). */
        public Accept withoutExtensions() {
            return new Accept(subprotocol, attachment, headers, credentialExpiry, true);
        }
    }

    /** Reject with an HTTP status (e.g. 401, 403, 429) and a short reason sent as the body. */
    record Reject(int status, String reason, Headers headers) implements UpgradeDecision {
        public Reject {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("a rejection needs a 4xx or 5xx status");
            }
        }
    }

    /** Accept with the server's subprotocol choice. */
    static UpgradeDecision accept() {
        return Accept.PLAIN;
    }

    /** Accept and attach an identity (see {@link WebSocket#attachment()}). */
    static UpgradeDecision accept(Object attachment) {
        return new Accept(null, attachment, Headers.EMPTY);
    }

    static UpgradeDecision accept(String subprotocol, Object attachment) {
        return new Accept(subprotocol, attachment, Headers.EMPTY);
    }

    static UpgradeDecision reject(int status, String reason) {
        return new Reject(status, reason, Headers.EMPTY);
    }
}
