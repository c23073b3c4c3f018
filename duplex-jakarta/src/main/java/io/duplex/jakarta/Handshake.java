package io.duplex.jakarta;

import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.Map;

/**
 * What an accepted opening handshake hands to the connection's session: the endpoint it was
 * matched to and what the request carried. The upgrader attaches it to the socket; the session
 * takes it over on open.
 *
 * <p>Threading: immutable.
 */
record Handshake(
        Registration registration,
        ConnectionConfig config,
        Map<String, String> pathParameters,
        URI requestUri,
        String queryString,
        Map<String, List<String>> parameters,
        Principal principal) {}
