package io.duplex.jakarta;

import io.duplex.WebSocketConfig;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * The {@link ServerContainer} of a set of Jakarta endpoints on Duplex: the session defaults (idle
 * timeout, buffer sizes, async send timeout, see {@link SessionDefaults}) and the timer of idle
 * timeouts.
 *
 * <p>Endpoints are deployed by {@link JakartaEndpoints.Builder} before the server starts, so
 * {@code addEndpoint} afterwards is a deployment error (Jakarta WebSocket 2.1 §5.2.1, §6.4), and so
 * is {@code upgradeHttpToWebSocket} (there is no servlet request). {@code connectToServer} (the
 * {@code ServerContainer} javadoc: a specialized view of the {@code WebSocketContainer}) goes to a
 * {@link JakartaClientContainer} made on first use with the server's {@code WebSocketConfig}.
 *
 * <p>Threading: safe from any thread.
 */
final class JakartaContainer extends SessionDefaults implements ServerContainer {
    private final WebSocketConfig config;
    private JakartaClientContainer client;

    JakartaContainer(WebSocketConfig config, long defaultIdleTimeout) {
        super(config, defaultIdleTimeout);
        this.config = config;
    }

    /** The client side of this container, made on first use and closed with it. */
    private synchronized JakartaClientContainer client() {
        if (client == null) {
            client = JakartaClientContainer.builder().config(config).build();
        }
        return client;
    }

    @Override
    synchronized void shutdown() {
        super.shutdown();
        if (client != null) {
            client.close();
        }
    }

    @Override
    public void addEndpoint(Class<?> endpointClass) throws DeploymentException {
        throw afterStart();
    }

    @Override
    public void addEndpoint(ServerEndpointConfig serverConfig) throws DeploymentException {
        throw afterStart();
    }

    private static DeploymentException afterStart() {
        return new DeploymentException(
                "endpoints are deployed with JakartaEndpoints.builder() / JakartaServer.builder() before the server starts");
    }

    @Override
    public void upgradeHttpToWebSocket(
            Object httpServletRequest,
            Object httpServletResponse,
            ServerEndpointConfig sec,
            Map<String, String> pathParameters)
            throws DeploymentException {
        throw new DeploymentException("there is no servlet container: Duplex serves the upgrade itself");
    }

    @Override
    public Session connectToServer(Object annotatedEndpointInstance, URI path) throws DeploymentException, IOException {
        return client().connectToServer(annotatedEndpointInstance, path);
    }

    @Override
    public Session connectToServer(Class<?> annotatedEndpointClass, URI path) throws DeploymentException, IOException {
        return client().connectToServer(annotatedEndpointClass, path);
    }

    @Override
    public Session connectToServer(Endpoint endpointInstance, ClientEndpointConfig cec, URI path)
            throws DeploymentException, IOException {
        return client().connectToServer(endpointInstance, cec, path);
    }

    @Override
    public Session connectToServer(Class<? extends Endpoint> endpointClass, ClientEndpointConfig cec, URI path)
            throws DeploymentException, IOException {
        return client().connectToServer(endpointClass, cec, path);
    }
}
