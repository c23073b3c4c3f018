package io.duplex.handshake;

import io.duplex.extension.Extension;
import java.util.List;
import java.util.Objects;

/**
 * What {@link ServerHandshake#validate(HttpHead)} decided about an upgrade request: go on with
 * {@link Accepted}, or answer {@link Rejected} with an HTTP error.
 *
 * <p>Threading: immutable values; the extensions of an {@link Accepted} are confined to the
 * connection that installs them.
 */
public sealed interface Outcome permits Outcome.Accepted, Outcome.Rejected {

    /**
     * A valid upgrade request. The caller owns {@link #extensions()}: it installs them, or closes
     * them if it turns the request down after all.
     *
     * <p>Threading: immutable; the extensions are confined to one connection.
     *
     * @param path the request path, still percent-encoded, e.g. {@code /chat}
     * @param query the query after {@code ?}, still percent-encoded, or {@code null}
     * @param headers every request header
     * @param key the {@code Sec-WebSocket-Key}
     * @param origin the {@code Origin}, or {@code null} when absent
     * @param offeredSubprotocols the client's subprotocols, in its order
     * @param selectedSubprotocol the subprotocol chosen, or {@code null} for none
     * @param extensions the negotiated extensions, in response order
     */
    record Accepted(
            String path,
            String query,
            Headers headers,
            String key,
            String origin,
            List<String> offeredSubprotocols,
            String selectedSubprotocol,
            List<Extension> extensions)
            implements Outcome {
        public Accepted {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(headers, "headers");
            Objects.requireNonNull(key, "key");
            offeredSubprotocols = List.copyOf(offeredSubprotocols);
            extensions = List.copyOf(extensions);
        }

        /**
         * The same request answered with {@code subprotocol} and {@code extensions} (an upgrader's
         * or a relay's choice): this one when they are what the validation chose, else a copy.
         */
        public Accepted answeredWith(String subprotocol, List<Extension> extensions) {
            if (Objects.equals(subprotocol, selectedSubprotocol) && extensions.equals(this.extensions)) {
                return this;
            }
            return new Accepted(path, query, headers, key, origin, offeredSubprotocols, subprotocol, extensions);
        }
    }

    /**
     * A request to refuse; {@link ServerHandshake#rejection(Rejected)} gives the response bytes.
     *
     * <p>Threading: immutable; safe to share.
     *
     * @param status the HTTP status, e.g. 400
     * @param reason a short constant text, safe to send (it never echoes the request)
     * @param extraHeaders headers the status requires, e.g. {@code Allow: GET} for 405
     */
    record Rejected(int status, String reason, Headers extraHeaders) implements Outcome {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(extraHeaders, "extraHeaders");
        }
    }
}
