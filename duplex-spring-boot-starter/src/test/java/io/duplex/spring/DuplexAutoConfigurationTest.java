package io.duplex.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.InMemoryBroker;
import io.duplex.WebSocketConfig;
import io.duplex.WebSocketHandler;
import io.duplex.micrometer.DuplexMetrics;
import io.duplex.redis.RedisBroker;
import io.duplex.redis.RedisServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** What the auto-configuration makes of properties and beans, one context per case. */
class DuplexAutoConfigurationTest {
    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DuplexAutoConfiguration.class))
            .withBean("echo", DuplexRoute.class, () -> DuplexRoute.of("/echo", WebSocketHandler.echo()))
            .withPropertyValues("duplex.port=0", "duplex.host=127.0.0.1", "duplex.event-loops=1");

    @Test
    void propertiesBecomeTheServerConfiguration() {
        DuplexProperties p = new DuplexProperties();
        runner.withPropertyValues(
                        "duplex.max-message-size=2MB",
                        "duplex.max-frame-size=512KB",
                        "duplex.outbound-limit=4MB",
                        "duplex.max-connections=100",
                        "duplex.max-connections-per-address=5",
                        "duplex.handshake-timeout=3s",
                        "duplex.idle-timeout=2m",
                        "duplex.ping-interval=0s",
                        "duplex.compression=false")
                .run(context -> {
                    DuplexProperties bound = context.getBean(DuplexProperties.class);
                    WebSocketConfig c = DuplexServer.config(bound);
                    assertThat(c.protocol().maxMessageSize()).isEqualTo(2 * 1024 * 1024);
                    assertThat(c.protocol().maxFrameSize()).isEqualTo(512 * 1024);
                    assertThat(c.outboundLimit()).isEqualTo(4 * 1024 * 1024);
                    assertThat(c.maxConnections()).isEqualTo(100);
                    assertThat(c.maxConnectionsPerAddress()).isEqualTo(5);
                    assertThat(c.handshakeTimeout()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(c.idleTimeout()).isEqualTo(Duration.ofMinutes(2));
                    assertThat(c.pingInterval()).isZero();
                    assertThat(c.extensions()).isEmpty();
                    assertThat(context.getBean(DuplexServer.class).isRunning()).isTrue();
                });
        // Unset properties keep Duplex's defaults.
        assertThat(DuplexServer.config(p).protocol().maxMessageSize())
                .isEqualTo(WebSocketConfig.DEFAULT.protocol().maxMessageSize());
    }

    @Test
    void withoutARegistryThereAreNoMetricsAndDisabledMeansNoServer() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(DuplexServer.class).doesNotHaveBean(DuplexMetrics.class);
            assertThat(context.getBean(DuplexServer.class).server().metrics()).isNull();
        });
        runner.withPropertyValues("duplex.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(DuplexServer.class));
    }

    @Test
    void aRegistryBeanGetsTheServersMeters() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            assertThat(context).hasSingleBean(DuplexMetrics.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get("duplex.connections.opened")
                            .tag("route", "/echo")
                            .counter()
                            .count())
                    .isZero();
            assertThat(registry.get("duplex.connections.open").gauge().value()).isZero();
        });
    }

    @Test
    void aBrokerBeanIsUsedAsItIs() {
        InMemoryBroker broker = new InMemoryBroker();
        runner.withBean(InMemoryBroker.class, () -> broker).run(context -> assertThat(
                        context.getBean(DuplexServer.class).server().broker())
                .isSameAs(broker));
    }

    @Test
    void aRedisUriMakesARedisBrokerWithItsMeters() throws Exception {
        try (RedisServer redis = RedisServer.start(null)) {
            runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                    .withPropertyValues("duplex.redis.uri=redis://127.0.0.1:" + redis.port)
                    .run(context -> {
                        assertThat(context).hasSingleBean(RedisBroker.class);
                        DuplexServer duplex = context.getBean(DuplexServer.class);
                        assertThat(duplex.server().broker()).isInstanceOf(RedisBroker.class);
                        MeterRegistry registry = context.getBean(MeterRegistry.class);
                        assertThat(registry.get("duplex.redis.connected")
                                        .gauge()
                                        .value())
                                .isEqualTo(1.0);
                        assertThat(registry.get("duplex.redis.relayed").functionCounter())
                                .isNotNull();
                    });
        }
    }
}
