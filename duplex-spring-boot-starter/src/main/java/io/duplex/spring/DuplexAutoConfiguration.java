package io.duplex.spring;

import io.duplex.Broker;
import io.duplex.WebSocketServer;
import io.duplex.micrometer.DuplexMetrics;
import io.duplex.redis.RedisBroker;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of a Duplex {@link WebSocketServer} ({@link DuplexServer}) from {@code
 * duplex.*} properties and {@link DuplexRoute} beans; with duplex-redis and {@code
 * duplex.redis.uri}, a {@link RedisBroker}; with duplex-micrometer and a {@link MeterRegistry} bean,
 * {@link DuplexMetrics} on it; with the actuator, a {@link DuplexHealthIndicator}. Off with {@code
 * duplex.enabled=false}; every bean backs off when the application defines its own.
 *
 * <p>Threading: configuration classes, used by Spring on the starting thread.
 */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.metrics.export.prometheus.PrometheusMetricsExportAutoConfiguration"
        })
@ConditionalOnClass(WebSocketServer.class)
@ConditionalOnProperty(prefix = "duplex", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(DuplexProperties.class)
public class DuplexAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public DuplexServer duplexServer(
            DuplexProperties properties,
            ObjectProvider<DuplexRoute> routes,
            ObjectProvider<DuplexServerCustomizer> customizers,
            ObjectProvider<Broker> broker) {
        return new DuplexServer(
                properties,
                routes.orderedStream().toList(),
                customizers.orderedStream().toList(),
                broker.getIfUnique());
    }

    /** The Redis broker, when duplex-redis is on the class path and {@code duplex.redis.uri} is set. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(RedisBroker.class)
    @ConditionalOnProperty(prefix = "duplex.redis", name = "uri")
    static class RedisConfiguration {
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(Broker.class)
        RedisBroker duplexRedisBroker(DuplexProperties properties) {
            return RedisBroker.builder().uri(properties.getRedis().getUri()).build();
        }
    }

    /** {@link DuplexMetrics} on the application's registry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({DuplexMetrics.class, MeterRegistry.class})
    @ConditionalOnBean(MeterRegistry.class)
    static class MetricsConfiguration {
        @Bean
        @ConditionalOnMissingBean
        DuplexMetrics duplexMetrics(MeterRegistry registry) {
            return new DuplexMetrics(registry);
        }

        @Bean
        DuplexServerCustomizer duplexMetricsCustomizer(DuplexMetrics metrics) {
            return new DuplexServerCustomizer() {
                @Override
                public void customize(WebSocketServer.Builder builder) {
                    builder.metrics(metrics);
                }

                @Override
                public void started(WebSocketServer server) {
                    metrics.bind(server);
                    RedisSupport.bindMeters(server, metrics.registry());
                }
            };
        }
    }

    /** Health under {@code /actuator/health} as {@code duplex}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class HealthConfiguration {
        @Bean
        @ConditionalOnMissingBean(name = "duplexHealthIndicator")
        DuplexHealthIndicator duplexHealthIndicator(DuplexServer server) {
            return new DuplexHealthIndicator(server);
        }
    }
}
