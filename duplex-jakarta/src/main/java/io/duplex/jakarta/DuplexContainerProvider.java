package io.duplex.jakarta;

import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;

/**
 * What {@code ContainerProvider.getWebSocketContainer()} finds through {@code ServiceLoader}
 * ({@code META-INF/services/jakarta.websocket.ContainerProvider}, Jakarta WebSocket 2.1 §6.1): a
 * new {@link JakartaClientContainer} with Duplex's defaults on each call, as the API's javadoc
 * allows. Its threads are daemons; close it ({@code ((AutoCloseable) container).close()}) to end
 * its connections early.
 *
 * <p>With another implementation on the class path too, the API returns the first provider the
 * {@code ServiceLoader} lists (class-path order).
 *
 * <p>Threading: stateless; safe from any thread.
 */
public final class DuplexContainerProvider extends ContainerProvider {

    /** For {@code ServiceLoader}. */
    public DuplexContainerProvider() {}

    @Override
    protected WebSocketContainer getContainer() {
        return JakartaClientContainer.create();
    }
}
