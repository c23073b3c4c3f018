package io.duplex.jakarta;

import io.duplex.WebSocketConfig;
import io.duplex.extension.ExtensionFactory;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Extension;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The {@link ServerContainer} of a set of Jakarta endpoints on Duplex: the session defaults (idle
 * timeout, buffer sizes, async send timeout) and the timer of idle timeouts.
 *
 * <p>Endpoints are deployed by {@link JakartaEndpoints.Builder} before the server starts, so
 * {@code addEndpoint} afterwards is a deployment error (Jakarta WebSocket 2.1 §5.2.1, §6.4). This
 * module is server-side: {@code connectToServer} and {@code upgradeHttpToWebSocket} (a servlet
 * request) throw {@link DeploymentException}.
 *
 * <p>Threading: safe from any thread.
 */
final class JakartaContainer implements ServerContainer {
    private final int runtimeMaxMessage;
    private final List<Extension> installed;
    private final boolean secure;
    private volatile long defaultIdleTimeout;
    private volatile int defaultMaxText;
    private volatile int defaultMaxBinary;
    private volatile long defaultSendTimeout;
    private ScheduledExecutorService timer;

    JakartaContainer(WebSocketConfig config, boolean secure, long defaultIdleTimeout) {
        long max = config.protocol().maxMessageSize();
        this.runtimeMaxMessage = (int) Math.min(Integer.MAX_VALUE, max);
        this.installed = config.extensions().stream()
                .map(ExtensionFactory::name)
                .map(n -> (Extension) new NegotiatedExtension(n, List.of()))
                .toList();
        this.secure = secure;
        this.defaultIdleTimeout = defaultIdleTimeout;
        this.defaultMaxText = runtimeMaxMessage;
        this.defaultMaxBinary = runtimeMaxMessage;
    }

    boolean secure() {
        return secure;
    }

    /** A buffer size held to the runtime's message limit (secure default kept). */
    int capped(int length) {
        return length <= 0 ? runtimeMaxMessage : Math.min(length, runtimeMaxMessage);
    }

    synchronized ScheduledExecutorService timer() {
        if (timer == null) {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
                Thread th = new Thread(r, "duplex-jakarta-timer");
                th.setDaemon(true);
                return th;
            });
            t.setRemoveOnCancelPolicy(true);
            timer = t;
        }
        return timer;
    }

    synchronized void shutdown() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    @Override
    public long getDefaultAsyncSendTimeout() {
        return defaultSendTimeout;
    }

    @Override
    public void setAsyncSendTimeout(long timeoutmillis) {
        this.defaultSendTimeout = timeoutmillis;
    }

    @Override
    public long getDefaultMaxSessionIdleTimeout() {
        return defaultIdleTimeout;
    }

    @Override
    public void setDefaultMaxSessionIdleTimeout(long timeout) {
        this.defaultIdleTimeout = timeout;
    }

    @Override
    public int getDefaultMaxBinaryMessageBufferSize() {
        return defaultMaxBinary;
    }

    @Override
    public void setDefaultMaxBinaryMessageBufferSize(int max) {
        this.defaultMaxBinary = capped(max);
    }

    @Override
    public int getDefaultMaxTextMessageBufferSize() {
        return defaultMaxText;
    }

    @Override
    public void setDefaultMaxTextMessageBufferSize(int max) {
        this.defaultMaxText = capped(max);
    }

    @Override
    public Set<Extension> getInstalledExtensions() {
        return new HashSet<>(installed);
    }

    List<Extension> installed() {
        return installed;
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
    public Session connectToServer(Object annotatedEndpointInstance, URI path) throws DeploymentException {
        throw noClient();
    }

    @Override
    public Session connectToServer(Class<?> annotatedEndpointClass, URI path) throws DeploymentException {
        throw noClient();
    }

    @Override
    public Session connectToServer(Endpoint endpointInstance, ClientEndpointConfig cec, URI path)
            throws DeploymentException {
        throw noClient();
    }

    @Override
    public Session connectToServer(Class<? extends Endpoint> endpointClass, ClientEndpointConfig cec, URI path)
            throws DeploymentException {
        throw noClient();
    }

    private static DeploymentException noClient() {
        return new DeploymentException("duplex-jakarta has no client side yet: use io.duplex.WebSocketClient");
    }
}
