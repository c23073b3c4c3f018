package io.duplex.jakarta;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.WebSocketServer;
import io.duplex.jakarta.samples.ChatEndpoint;
import io.duplex.jakarta.samples.EchoEndpoint;
import io.duplex.jakarta.samples.HeartbeatEndpoint;
import io.duplex.jakarta.samples.StreamEndpoint;
import io.duplex.testkit.Loopback;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Headless Chromium (Debian's {@code /usr/bin/chromium}, driven by playwright-core) runs a page
 * served by the same Duplex server that hosts the Jakarta sample endpoints — added with {@link
 * JakartaEndpoints#addTo} next to the server's static files — and drives them with the browser's
 * own {@code WebSocket}: chat with encoders/decoders and a path parameter, {@code Reader}/{@code
 * InputStream} handlers, the browser's automatic pong reaching {@code @OnMessage PongMessage}
 * (§2.2.5), echo. A screenshot is left in {@code target/screenshots/jakarta-chromium.png}.
 */
class ChromiumPeerTest {

    @Test
    void chromiumDrivesTheSampleEndpoints() throws Exception {
        PeerScripts.PREREQUISITES.require();
        ExecutorService pool = Executors.newCachedThreadPool();
        WebSocketServer.Builder b =
                Loopback.server().staticResources("jakarta-page").handlerExecutor(pool);
        JakartaEndpoints.Builder endpoints = JakartaEndpoints.builder();
        for (Class<?> c :
                new Class<?>[] {ChatEndpoint.class, StreamEndpoint.class, HeartbeatEndpoint.class, EchoEndpoint.class
                }) {
            endpoints.endpoint(c);
        }
        try (JakartaEndpoints deployed = endpoints.build()) {
            WebSocketServer server = deployed.addTo(b).start();
            try {
                Path shot = PeerScripts.PREREQUISITES.buildDir().resolve("screenshots/jakarta-chromium.png");
                Map<String, String> seen = PeerScripts.run(
                        "chromium-page.js",
                        Duration.ofSeconds(120),
                        "http://127.0.0.1:" + server.port() + "/index.html",
                        shot.toString());
                assertThat(seen.get("userAgent")).contains("Chrome/");
                assertThat(seen.get("chat")).isEqualTo(PeerScripts.chatTranscript("chromium"));
                assertThat(seen.get("stream")).isEqualTo(PeerScripts.streamTranscript());
                assertThat(seen.get("pong")).isEqualTo(PeerScripts.strings("pong p1"));
                assertThat(seen.get("echo")).isEqualTo(PeerScripts.ECHO_TRANSCRIPT);
                assertThat(shot).isRegularFile();
            } finally {
                server.stop(Duration.ofSeconds(5));
                pool.shutdown();
            }
        }
    }
}
