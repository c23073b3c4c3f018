package io.duplex.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How a {@link RedisBroker} and a {@link RedisStreamEngine} configure Lettuce, in one place: its own small thread pools, the
 * reconnect backoff, and client options that keep the caller from ever waiting and memory bounded.
 *
 * <p>Threading: stateless; safe from any thread.
 */
final class LettuceSetup {
    private static final System.Logger LOG = System.getLogger(RedisBroker.class.getName());

    private LettuceSetup() {}

    static ClientResources resources(Duration maxReconnectDelay) {
        return DefaultClientResources.builder()
                .ioThreadPoolSize(2) // one per connection
                .computationThreadPoolSize(2) // Lettuce's minimum
                // Exponential with jitter, so that nodes do not reconnect in lockstep after a restart.
                .reconnectDelay(Delay.equalJitter(Duration.ofMillis(10), maxReconnectDelay, 50, TimeUnit.MILLISECONDS))
                .build();
    }

    static ClientOptions clientOptions(int maxInFlight, Duration connectTimeout, Path trustedCertificates) {
        SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider();
        if (trustedCertificates != null) {
            ssl.trustManager(trustedCertificates.toFile());
        }
        return ClientOptions.builder()
                .autoReconnect(true)
                // Never queue commands while disconnected: memory stays bounded, callers never wait,
                // and commands in flight when the connection drops fail instead of being replayed
                // later (a replayed PUBLISH could arrive twice).
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                // A safety net only: publish() keeps at most maxInFlight in flight itself, since on
                // its own overflow Lettuce also fails a command already in flight
                // (CommandHandler#exceptionCaught polls the head of its stack).
                .requestQueueSize(maxInFlight + 64)
                // No command timeouts: a timed-out command still sits in Lettuce's stack until
                // Redis answers, so only an answer (or a dropped connection) frees an in-flight slot.
                .timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build())
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(connectTimeout)
                        // Finds a dead peer that never sent FIN/RST (e.g. a partition) in ~30 s.
                        .keepAlive(SocketOptions.KeepAliveOptions.builder()
                                .enable()
                                .idle(Duration.ofSeconds(15))
                                .interval(Duration.ofSeconds(5))
                                .count(3)
                                .build())
                        .build())
                .sslOptions(ssl.build())
                .build();
    }

    /** Closes the connections and stops every thread the resources started; bounded in time. */
    static void shutdown(AbstractRedisClient client, ClientResources resources) {
        try {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "closing the Redis client: {0}", e.toString());
        }
        try {
            resources.shutdown(0, 2, TimeUnit.SECONDS).get(3, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.log(Level.WARNING, "Lettuce threads did not stop in time: {0}", e.toString());
        }
    }
}
