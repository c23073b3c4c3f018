package io.duplex.jakarta;

import jakarta.websocket.Decoder;
import jakarta.websocket.Encoder;
import jakarta.websocket.Extension;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The endpoint configuration one connection sees: the deployed {@link ServerEndpointConfig} with a
 * shallow copy of its user properties (Jakarta WebSocket 2.1 §3.1.5 and §2.1.2: the copy is what
 * {@code modifyHandshake} gets and what the session's user properties start from).
 *
 * <p>Threading: the properties map is the session's; the rest is the deployed configuration.
 */
final class ConnectionConfig implements ServerEndpointConfig {
    private final ServerEndpointConfig deployed;
    private final Map<String, Object> userProperties;

    ConnectionConfig(ServerEndpointConfig deployed) {
        this.deployed = deployed;
        this.userProperties = new HashMap<>(deployed.getUserProperties());
    }

    @Override
    public Class<?> getEndpointClass() {
        return deployed.getEndpointClass();
    }

    @Override
    public String getPath() {
        return deployed.getPath();
    }

    @Override
    public List<String> getSubprotocols() {
        return deployed.getSubprotocols();
    }

    @Override
    public List<Extension> getExtensions() {
        return deployed.getExtensions();
    }

    @Override
    public Configurator getConfigurator() {
        return deployed.getConfigurator();
    }

    @Override
    public List<Class<? extends Encoder>> getEncoders() {
        return deployed.getEncoders();
    }

    @Override
    public List<Class<? extends Decoder>> getDecoders() {
        return deployed.getDecoders();
    }

    @Override
    public Map<String, Object> getUserProperties() {
        return userProperties;
    }
}
