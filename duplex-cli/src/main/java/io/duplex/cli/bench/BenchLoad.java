package io.duplex.cli.bench;

import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketHandler;
import io.duplex.cli.ConnectFailure;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * The echo and broadcast modes of {@code duplex bench}: opens every connection (at most {@link
 * #HANDSHAKES_IN_FLIGHT} handshakes at a time), runs the warm-up and the measurement window, stops
 * sending, lets the messages in flight come back (bounded), closes every connection with 1000
 * and sums the per-loop figures.
 *
 * <p>Threading: {@link #run} blocks the calling thread; the connections live on the client's
 * event loops.
 */
final class BenchLoad {
    /** As many handshakes at once as wsload allows by default. */
    static final int HANDSHAKES_IN_FLIGHT = 256;
    /** How long the messages still in flight may take to come back after the window. */
    static final long DRAIN_NANOS = 5_000_000_000L;

    /**
     * How the run is set up; see {@link BenchCommand} for each option.
     *
     * @param uris the servers; connection {@code i} goes to {@code uris[i % n]} (nodes of one
     *     cluster share the load), so connection 0, the broadcast publisher, to the first
     * @param pipeline messages in flight per connection; 0 for no limit (open loop)
     * @param holdNanos idle mode: how long the connections are held
     * @param touch idle mode: whether each connection exchanges one message before the hold
     */
    record Plan(
            BenchMode mode,
            List<URI> uris,
            Map<String, String> headers,
            int connections,
            int pipeline,
            Double rate,
            long warmupNanos,
            long durationNanos,
            long connectTimeoutMillis,
            int eventLoops,
            long holdNanos,
            boolean touch) {
        Plan {
            uris = List.copyOf(uris);
            if (uris.isEmpty()) {
                throw new IllegalArgumentException("no URL");
            }
        }

        /** The first server's URL. */
        URI uri() {
            return uris.get(0);
        }

        /** The URL of connection {@code i}. */
        URI uri(int i) {
            return uris.get(i % uris.size());
        }
    }

    private final Plan plan;
    private final BenchContext context;
    private final BenchPayload payload;
    private final BenchProgress progress;

    BenchLoad(Plan plan, BenchContext context, BenchPayload payload, BenchProgress progress) {
        this.plan = plan;
        this.context = context;
        this.payload = payload;
        this.progress = progress;
    }

    /**
     * @return the result, or null when no connection (or, broadcasting, not the publisher) could
     *     be opened; {@code failure} then holds why
     */
    BenchResult run(WebSocketClient client, AtomicReference<Throwable> failure) throws InterruptedException {
        boolean broadcast = plan.mode() == BenchMode.BROADCAST;
        List<BenchPeer> peers = new ArrayList<>();
        List<CompletableFuture<WebSocket>> connects = connectAll(client, plan, context, failure, i -> {
            BenchPeer.Role role =
                    !broadcast ? BenchPeer.Role.ECHO : i == 0 ? BenchPeer.Role.PUBLISHER : BenchPeer.Role.MEMBER;
            BenchPeer peer = new BenchPeer(context, payload, role, plan.pipeline(), plan.rate() != null);
            peers.add(peer);
            return peer;
        });
        try {
            CompletableFuture.allOf(connects.toArray(new CompletableFuture<?>[0]))
                    .exceptionally(e -> null)
                    .get(plan.connectTimeoutMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            // Judged per connection below.
        }
        List<BenchPeer> open = new ArrayList<>();
        for (BenchPeer p : peers) {
            if (p.opened().isDone()) {
                open.add(p);
            }
        }
        if (open.isEmpty() || (broadcast && !peers.get(0).opened().isDone())) {
            return null;
        }
        startSending(open, broadcast);
        LongSupplier openNow =
                () -> open.stream().filter(p -> !p.closed().isDone()).count();
        progress.run(context, plan, openNow);
        finish(open);
        return result(plan, context, payload.size, payload.binary, open.size());
    }

    /**
     * Opens the plan's connections in order, connection {@code i} to {@code plan.uri(i)} with the
     * handler {@code handlerFor} makes for it, at most {@link #HANDSHAKES_IN_FLIGHT} handshakes at
     * a time. A failed connect is counted as an error and kept in {@code failure} (the first).
     *
     * @return each connect's future, in order; fewer than planned only if a permit never came back
     */
    static List<CompletableFuture<WebSocket>> connectAll(
            WebSocketClient client,
            Plan plan,
            BenchContext context,
            AtomicReference<Throwable> failure,
            IntFunction<? extends WebSocketHandler> handlerFor)
            throws InterruptedException {
        List<CompletableFuture<WebSocket>> connects = new ArrayList<>(plan.connections());
        Semaphore handshakes = new Semaphore(HANDSHAKES_IN_FLIGHT);
        for (int i = 0; i < plan.connections(); i++) {
            if (!handshakes.tryAcquire(plan.connectTimeoutMillis() * 2 + 1000, TimeUnit.MILLISECONDS)) {
                break; // the client's own timeouts release permits; this only guards against a hang
            }
            URI uri = plan.uri(i);
            CompletableFuture<WebSocket> connect = client.connect(uri, handlerFor.apply(i), plan.headers());
            connect.whenComplete((ws, e) -> {
                handshakes.release();
                if (e != null) {
                    failure.compareAndSet(null, e);
                    context.error("connect failed: " + ConnectFailure.describe(e, ConnectFailure.target(uri)));
                }
            });
            connects.add(connect);
        }
        return connects;
    }

    private void startSending(List<BenchPeer> open, boolean broadcast) {
        if (broadcast) {
            BenchPeer publisher = open.get(0);
            if (plan.rate() != null) {
                startPacer(List.of(publisher));
            } else {
                // The publisher starts on its loop when the Pong comes back: every member is in.
                publisher.opened().join().ping(ByteBuffer.wrap("go".getBytes(StandardCharsets.US_ASCII)));
            }
        } else if (plan.rate() != null) {
            startPacer(open);
        }
        // Closed-loop echo: every connection started in onOpen, on its loop.
    }

    private void startPacer(List<BenchPeer> senders) {
        Thread pacer = new Thread(
                new BenchPacer(context, senders, payload, plan.rate(), plan.pipeline()), "duplex-bench-pacer");
        pacer.setDaemon(true);
        pacer.start();
    }

    /** Lets what is in flight come back (bounded), then closes every connection with 1000. */
    private void finish(List<BenchPeer> open) throws InterruptedException {
        long deadline = System.nanoTime() + DRAIN_NANOS;
        while (System.nanoTime() < deadline
                && open.stream().anyMatch(p -> p.inFlight() > 0 && !p.closed().isDone())) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        for (BenchPeer p : open) {
            p.finish();
            p.opened().join().close(1000, "bench done");
        }
        try {
            CompletableFuture.allOf(open.stream().map(BenchPeer::closed).toArray(CompletableFuture<?>[]::new))
                    .get(DRAIN_NANOS, TimeUnit.NANOSECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            // Closing the client aborts what is left.
        }
    }

    /** Sums the per-loop figures once the run is over. */
    static BenchResult result(Plan plan, BenchContext context, int size, boolean binary, int opened) {
        Histogram latency = new Histogram(LoopStats.HIGHEST_NANOS, 3);
        long count = 0;
        long bytes = 0;
        for (LoopStats s : context.allStats()) {
            count += s.measured(); // read first: it publishes the histogram's values
            bytes += s.bytes();
            latency.add(s.latency);
        }
        return new BenchResult(
                plan.mode(),
                plan.uris().stream().map(URI::toString).toList(),
                plan.connections(),
                opened,
                plan.pipeline(),
                size,
                binary,
                plan.rate(),
                (context.windowEnd() - context.windowStart()) / 1e9,
                plan.warmupNanos() / 1e9,
                plan.eventLoops(),
                count,
                bytes,
                context.publishedInWindow(),
                context.errors(),
                context.firstError(),
                context.clientCpu(),
                latency,
                null);
    }
}
