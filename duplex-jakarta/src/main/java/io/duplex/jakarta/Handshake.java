package io.duplex.jakarta;

import jakarta.websocket.EndpointConfig;
import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an opening handshake hands to the connection's session: on a server, the endpoint it was
 * matched to and what the request carried (the upgrader attaches it to the socket, the session
 * takes it over on open); on a client, the endpoint configuration and the URI it connected to.
 *
 * <p>Threading: immutable (but for the concurrent session set).
 *
 * @param registration the deployed server endpoint, or {@code null} on a client
 * @param config the configuration the session's decoders, encoders and user properties come from
 * @param sessions the open sessions of the same endpoint ({@code Session.getOpenSessions()})
 * @param secure whether the connection runs over TLS ({@code Session.isSecure()})
 */
record Handshake(
        Registration registration,
        EndpointConfig config,
        Set<DuplexSession> sessions,
        Map<String, String> pathParameters,
        URI requestUri,
        String queryString,
        Map<String, List<String>> parameters,
        Principal principal,
        boolean secure) {}
