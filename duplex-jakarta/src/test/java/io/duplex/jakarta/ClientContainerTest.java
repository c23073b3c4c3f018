package io.duplex.jakarta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.WebSocketConfig;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.WebSocketContainer;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The client container itself: how it is found (§6.1) and its defaults mapped onto Duplex's config. */
class ClientContainerTest {

    /** §6.1: ContainerProvider finds Duplex's container through ServiceLoader (ours is first on the class path). */
    @Test
    void containerProviderFindsTheDuplexContainer() throws Exception {
        WebSocketContainer container = ContainerProvider.getWebSocketContainer();
        assertThat(container).isInstanceOf(JakartaClientContainer.class);
        ((AutoCloseable) container).close();
    }

    /**
     * WebSocketContainer defaults: buffer sizes are Duplex's message limit and cannot go above it;
     * the idle timeout starts from Duplex's idleTimeout.
     */
    @Test
    void defaultsComeFromTheDuplexConfig() {
        WebSocketConfig config = WebSocketConfig.builder()
                .maxMessageSize(64 * 1024)
                .idleTimeout(Duration.ofSeconds(30))
                .build();
        try (JakartaClientContainer container =
                JakartaClientContainer.builder().config(config).build()) {
            assertThat(container.getDefaultMaxTextMessageBufferSize()).isEqualTo(64 * 1024);
            assertThat(container.getDefaultMaxBinaryMessageBufferSize()).isEqualTo(64 * 1024);
            assertThat(container.getDefaultMaxSessionIdleTimeout()).isEqualTo(30_000);
            container.setDefaultMaxTextMessageBufferSize(10 << 20);
            assertThat(container.getDefaultMaxTextMessageBufferSize()).isEqualTo(64 * 1024);
            container.setDefaultMaxBinaryMessageBufferSize(1000);
            assertThat(container.getDefaultMaxBinaryMessageBufferSize()).isEqualTo(1000);
            assertThat(container.getInstalledExtensions())
                    .extracting(jakarta.websocket.Extension::getName)
                    .containsExactly("permessage-deflate");
        }
        try (JakartaClientContainer defaults = JakartaClientContainer.create()) {
            assertThat(defaults.getDefaultMaxSessionIdleTimeout()).isZero();
            assertThat(defaults.getDefaultMaxTextMessageBufferSize()).isEqualTo(1 << 20);
        }
    }

    /** §4.2: a class without @ClientEndpoint, or a URI that is not ws/wss, is not deployed. */
    @Test
    void invalidEndpointsAndUrisAreDeploymentErrors() {
        try (JakartaClientContainer container = JakartaClientContainer.create()) {
            assertThatThrownBy(() -> container.connectToServer(new Object(), URI.create("ws://127.0.0.1:1/")))
                    .isInstanceOf(DeploymentException.class);
            assertThatThrownBy(() -> container.connectToServer(
                            new ClientContract.ChatClient(), URI.create("http://127.0.0.1:1/")))
                    .isInstanceOf(DeploymentException.class);
        }
    }
}
