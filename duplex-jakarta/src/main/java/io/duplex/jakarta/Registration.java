package io.duplex.jakarta;

import jakarta.websocket.Endpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.Set;

/**
 * A deployed logical endpoint: its configuration, path, the annotated model when it is an annotated
 * class, and its open sessions ({@code Session.getOpenSessions()}).
 *
 * <p>Threading: immutable but for the concurrent session set.
 *
 * @param annotated the model of an annotated endpoint, or {@code null} for an {@link Endpoint}
 */
record Registration(
        ServerEndpointConfig config, UriTemplate template, AnnotatedEndpoint annotated, Set<DuplexSession> sessions) {

    /**
     * A new endpoint instance for one connection, from the configurator (Jakarta WebSocket 2.1
     * §3.1.7: called each time a client connects), wrapped when it is annotated.
     */
    Endpoint newEndpoint() throws InstantiationException {
        Object instance = config.getConfigurator().getEndpointInstance(config.getEndpointClass());
        return annotated != null ? annotated.bind(instance) : (Endpoint) instance;
    }
}
