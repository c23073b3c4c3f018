package io.duplex.spring;

import static io.duplex.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.spring.sample.SampleApplication;
import io.duplex.testkit.Await;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The sample application booted by Spring Boot (its application.properties, its route beans, the
 * actuator's registry and health), talked to over real sockets by the JDK's WebSocket client.
 */
@SpringBootTest(
        classes = SampleApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"duplex.port=0", "duplex.host=127.0.0.1", "duplex.event-loops=2"})
class SampleApplicationTest {
    @Autowired
    DuplexServer duplex;

    @Autowired
    MeterRegistry registry;

    @Autowired
    HealthEndpoint health;

    URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + duplex.port() + path);
    }

    @Test
    void theBootedServerEchoesCountsAndReportsHealth() {
        JdkPeer peer = new JdkPeer();
        WebSocket ws = await(JdkPeer.connect(uri("/echo"), peer));
        ws.sendText("hello from the JDK", true);
        assertThat(Await.poll(peer.texts)).isEqualTo("hello from the JDK");

        // duplex.max-message-size=64KB from application.properties: a larger message gets 1009.
        ws.sendText("x".repeat(65 * 1024), true);
        assertThat(await(peer.closed)).isEqualTo(1009);

        Await.eventually(
                "the close counted",
                () -> registry.find("duplex.connections.closed")
                                .tag("route", "/echo")
                                .tag("code", "1009")
                                .counter()
                        != null);
        assertThat(registry.get("duplex.messages")
                        .tags("route", "/echo", "direction", "in")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("duplex.connections.open").gauge()).isNotNull();

        var component = health.healthForPath("duplex");
        assertThat(component.getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void routeBeansWithTheirOwnUpgraderAndPrefix() {
        Throwable refused = Await.catchFailure(JdkPeer.connect(uri("/rooms/lobby"), new JdkPeer()));
        assertThat(refused).isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) refused).getResponse().statusCode())
                .isEqualTo(401);

        JdkPeer alice = new JdkPeer();
        JdkPeer bob = new JdkPeer();
        WebSocket a = await(JdkPeer.connect(uri("/rooms/lobby?token=a"), alice));
        await(JdkPeer.connect(uri("/rooms/lobby?token=b"), bob));
        Await.eventually("both in the room", () -> duplex.server().subscriberCount("/rooms/lobby") == 2);
        a.sendText("hi all", true);
        assertThat(Await.poll(alice.texts)).isEqualTo("hi all");
        assertThat(Await.poll(bob.texts)).isEqualTo("hi all");
        assertThat(registry.get("duplex.handshakes")
                        .tags("route", "/rooms/*", "status", "401")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void closingTheContextStopsTheServerGracefully() {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
                .properties("duplex.port=0", "duplex.host=127.0.0.1", "spring.main.banner-mode=off")
                .run();
        DuplexServer own = context.getBean(DuplexServer.class);
        URI echo = URI.create("ws://127.0.0.1:" + own.port() + "/echo");
        JdkPeer peer = new JdkPeer();
        await(JdkPeer.connect(echo, peer));
        context.close();
        // The lifecycle's stop: 1001 Going Away, the close handshake completed, then nothing listens.
        assertThat(await(peer.closed)).isEqualTo(1001);
        assertThat(own.isRunning()).isFalse();
        assertThat(Await.catchFailure(JdkPeer.connect(echo, new JdkPeer())))
                .isInstanceOf(java.net.ConnectException.class);
    }
}
