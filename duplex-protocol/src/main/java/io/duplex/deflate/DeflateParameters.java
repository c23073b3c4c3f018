package io.duplex.deflate;

import io.duplex.extension.ExtensionParameters;
import java.util.Locale;

/**
 * The four RFC 7692 §7.1 parameters of one offer or response, validated (§7): an unknown
 * parameter, a duplicate, or an invalid value makes the whole element unacceptable, which the
 * server answers by declining the offer and the client by failing the connection.
 *
 * <p>Threading: immutable.
 *
 * @param serverMaxWindowBits 8–15, or {@link #ABSENT}
 * @param clientMaxWindowBits 8–15, {@link #NO_VALUE} (offers only), or {@link #ABSENT}
 */
record DeflateParameters(
        boolean serverNoContextTakeover,
        boolean clientNoContextTakeover,
        int serverMaxWindowBits,
        int clientMaxWindowBits) {

    static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";
    static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";
    static final String SERVER_MAX_WINDOW_BITS = "server_max_window_bits";
    static final String CLIENT_MAX_WINDOW_BITS = "client_max_window_bits";

    static final int ABSENT = -1;
    static final int NO_VALUE = 0;
    static final int INVALID = -2;
    /** The only window the JDK's {@code Deflater} uses. */
    static final int JDK_WINDOW_BITS = 15;

    /** Parses a client's offer; {@code null} when the server must decline it (RFC 7692 §7). */
    static DeflateParameters parseOffer(ExtensionParameters offer) {
        return parse(offer, true);
    }

    /** Parses a server's response; {@code null} when the client must fail (RFC 7692 §7). */
    static DeflateParameters parseResponse(ExtensionParameters response) {
        return parse(response, false);
    }

    private static DeflateParameters parse(ExtensionParameters element, boolean offer) {
        boolean serverNo = false;
        boolean clientNo = false;
        int serverBits = ABSENT;
        int clientBits = ABSENT;
        for (ExtensionParameters.Parameter p : element.parameters()) {
            switch (p.name().toLowerCase(Locale.ROOT)) {
                case SERVER_NO_CONTEXT_TAKEOVER -> {
                    // §7.1.1.1: no value; §7: no duplicates.
                    if (serverNo || p.value() != null) {
                        return null;
                    }
                    serverNo = true;
                }
                case CLIENT_NO_CONTEXT_TAKEOVER -> {
                    // §7.1.1.2: no value.
                    if (clientNo || p.value() != null) {
                        return null;
                    }
                    clientNo = true;
                }
                case SERVER_MAX_WINDOW_BITS -> {
                    // §7.1.2.1: a value is required in offers and responses alike.
                    if (serverBits != ABSENT) {
                        return null;
                    }
                    serverBits = windowBits(p.value());
                    if (serverBits == INVALID) {
                        return null;
                    }
                }
                case CLIENT_MAX_WINDOW_BITS -> {
                    // §7.1.2.2: the value is optional in an offer, required in a response.
                    if (clientBits != ABSENT) {
                        return null;
                    }
                    clientBits = offer && p.value() == null ? NO_VALUE : windowBits(p.value());
                    if (clientBits == INVALID) {
                        return null;
                    }
                }
                default -> {
                    // §7: a parameter not defined for this extension.
                    return null;
                }
            }
        }
        return new DeflateParameters(serverNo, clientNo, serverBits, clientBits);
    }

    /**
     * RFC 7692 §7.1.2: {@code 1*DIGIT}, a decimal integer without leading zeroes from 8 to 15.
     * Returns the value or {@link #INVALID} (also for a missing value).
     */
    static int windowBits(String value) {
        if (value == null) {
            return INVALID;
        }
        if (value.length() == 1) {
            char c = value.charAt(0);
            return c == '8' || c == '9' ? c - '0' : INVALID;
        }
        if (value.length() == 2 && value.charAt(0) == '1') {
            char c = value.charAt(1);
            return c >= '0' && c <= '5' ? 10 + c - '0' : INVALID;
        }
        return INVALID;
    }
}
