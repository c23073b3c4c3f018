package io.duplex.internal;

import io.duplex.protocol.ProtocolConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A started server: its event loops, its {@link Acceptor}, the {@link ConnectionSet} and
 * {@link ConnectionLimits} of its connections, and its graceful stop. Everything it does is decided
 * by the {@link ServerSettings} it was started with.
 *
 * <p>Threading: safe from any thread; {@link #stop} called on one of its own loops returns at once
 * and stops in the background.
 */
public final class RunningServer {
    /** How long the loop threads get to end once every connection is gone or aborted. */
    private static final Duration LOOP_SHUTDOWN = Duration.ofSeconds(5);
    /** The target interval between two waves of a {@link #drain}. */
    public static final Duration DRAIN_WAVE = Duration.ofMillis(50);

    private final EventLoopGroup loops;
    private final ConnectionSet connections = new ConnectionSet();
    private final ConnectionLimits limits;
    private final Acceptor acceptor;
    private final OutboundBudget budget;
    private volatile boolean stopping;
    /** The first {@link #drain}'s completion, or null. Guarded by this. */
    private CompletableFuture<Void> drained;

    /**
     * Starts the loops and binds.
     *
     * @throws IOException if the address cannot be bound (the loops are shut down again)
     */
    public RunningServer(ServerSettings settings) throws IOException {
        // Derived once for every connection of this server (see Connection#engineConfig).
        ProtocolConfig engineConfig = Connection.engineConfig(settings.config().protocol());
        this.limits = new ConnectionLimits(
                settings.config().maxConnections(), settings.config().maxConnectionsPerAddress());
        this.budget = new OutboundBudget(settings.config().outboundBudget());
        this.loops =
                new EventLoopGroup("duplex-server", settings.eventLoops(), settings.tick(), budget, settings.metrics());
        try {
            this.acceptor = new Acceptor(
                    settings,
                    engineConfig,
                    loops,
                    connections,
                    limits,
                    new HandshakeGate(settings.config(), limits, System::nanoTime));
        } catch (IOException | RuntimeException e) {
            loops.shutdown(LOOP_SHUTDOWN);
            throw e;
        }
    }

    public InetSocketAddress address() {
        return acceptor.address();
    }

    /** Open connections, those still in the handshake included. */
    public int connectionCount() {
        return limits.open();
    }

    /** Open connections that negotiated permessage-deflate. */
    public int deflateConnections() {
        return limits.deflateConnections();
    }

    /** Bytes held in outbound batches by this server's connections. */
    public long bufferedBytes() {
        return budget.held();
    }

    /**
     * Stops gracefully: stop accepting, send 1001 Going Away to every connection (RFC 6455 §7.4.1),
     * wait up to {@code timeout} for the close handshakes, then abort the rest and end the loop
     * threads. Only the first call does anything.
     */
    public void stop(Duration timeout) {
        if (stopping) {
            return;
        }
        stopping = true;
        acceptor.refuseNew();
        if (inOwnLoop()) {
            // Called from a handler: waiting here would block the very loop that must send the
            // close frames and end, so the work moves to another thread and this returns at once.
            Thread stopper = new Thread(() -> drainAndShutdown(timeout), "duplex-stop");
            stopper.start();
            return;
        }
        drainAndShutdown(timeout);
    }

    /**
     * A rolling-deploy drain: from now on new connections are answered 503 with Retry-After (the
     * listening socket stays open, so a load balancer's health check sees the 503 too); the
     * connections open now are closed with 1012 Service Restart (RFC 6455 §7.4.1) in waves, one
     * every {@link #DRAIN_WAVE} or so, spread over {@code over}, each close reason carrying the
     * reconnect hint {@code hint}. The returned future completes once every connection is gone, or
     * after {@code over + closeTimeout}, when the rest are aborted. Only the first call drains;
     * later ones return the same future. The server keeps its loops until {@link #stop}.
     */
    public synchronized CompletableFuture<Void> drain(Duration over, String hint, Duration closeTimeout) {
        if (drained != null) {
            return drained;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        drained = done;
        acceptor.refuseNew("server draining");
        int waves = (int) Math.max(1, Math.min(10_000, over.toNanos() / DRAIN_WAVE.toNanos()));
        long interval = over.toNanos() / waves;
        long deadline = System.nanoTime() + over.toNanos() + closeTimeout.toNanos();
        Thread drainer = new Thread(
                () -> {
                    try {
                        connections.drainInWaves(1012, hint, waves, interval, deadline);
                        done.complete(null);
                    } catch (Throwable e) {
                        done.completeExceptionally(e);
                    }
                },
                "duplex-drain");
        drainer.setDaemon(true);
        drainer.start();
        return done;
    }

    private boolean inOwnLoop() {
        for (EventLoop loop : loops.loops()) {
            if (loop.inLoop()) {
                return true;
            }
        }
        return false;
    }

    private void drainAndShutdown(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        acceptor.stopAccepting(deadline);
        connections.drain(1001, "server shutting down", deadline);
        loops.shutdown(LOOP_SHUTDOWN);
    }
}
