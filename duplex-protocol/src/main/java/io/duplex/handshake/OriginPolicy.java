package io.duplex.handshake;

import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Decides whether a handshake request's {@code Origin} (RFC 6454, RFC 6455 §4.2.1 item 8,
 * §10.2) may open a WebSocket; a refusal is answered with 403. Browsers always send {@code Origin};
 * other clients usually do not, so the factories here allow a request without one unless {@link
 * #requireOrigin()} is applied.
 *
 * <p>Threading: implementations must be safe to call from any thread (one policy serves every
 * connection of a server). The policies made here are immutable.
 */
@FunctionalInterface
public interface OriginPolicy {

    /**
     * @param origin the {@code Origin} header value, or {@code null} when the request has none
     * @param host the {@code Host} header value, e.g. {@code example.com:8080}
     * @return whether the request may go on
     */
    boolean allows(String origin, String host);

    /**
     * As {@link #allows(String, String)}, knowing whether the request arrived over TLS; the
     * default ignores it. {@link #sameOrigin()} uses it to compare schemes.
     *
     * @param secure whether the request arrived over TLS ({@code wss})
     */
    default boolean allows(String origin, String host, boolean secure) {
        return allows(origin, host);
    }

    /**
     * The default: a request without {@code Origin} is allowed (a non-browser client); an {@code
     * http} or {@code https} origin is allowed when its host and port equal those of the {@code
     * Host} header (an absent port in {@code Host} stands for the origin scheme's default port)
     * and its scheme fits the connection (RFC 6454 §4: scheme, host and port are the origin):
     * over TLS only {@code https} — a plain-http page of the same host must not open the secure
     * socket with the user's cookies; without TLS {@code http}, or {@code https} (on the same host
     * and port as a plain listener that can only come through a TLS-terminating proxy in front, so
     * such deployments work without configuration). Anything else, including the opaque origin
     * {@code null} and values that do not parse, is refused.
     */
    static OriginPolicy sameOrigin() {
        return SameOrigin.INSTANCE;
    }

    /**
     * Allows exactly the listed origins ({@code scheme://host[:port]}, compared
     * case-insensitively) and requests without {@code Origin}; same-origin requests are not
     * implied, list the server's own origin if browsers load pages from it.
     */
    static OriginPolicy allowList(Collection<String> origins) {
        Set<String> allowed = new HashSet<>();
        for (String o : origins) {
            allowed.add(o.toLowerCase(Locale.ROOT));
        }
        return (origin, host) -> origin == null || allowed.contains(origin.toLowerCase(Locale.ROOT));
    }

    /** Allows every request. Only for servers that authenticate otherwise (not by cookies). */
    static OriginPolicy any() {
        return (origin, host) -> true;
    }

    /** This policy, but a request without {@code Origin} is refused. */
    default OriginPolicy requireOrigin() {
        OriginPolicy self = this;
        return new OriginPolicy() {
            @Override
            public boolean allows(String origin, String host) {
                return origin != null && self.allows(origin, host);
            }

            @Override
            public boolean allows(String origin, String host, boolean secure) {
                return origin != null && self.allows(origin, host, secure);
            }
        };
    }
}
