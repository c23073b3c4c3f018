package io.duplex.cli.bench;

import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketHandler;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * The idle mode of {@code duplex bench}: what a held connection costs the server. Reads the
 * server's footprint ({@link ServerFootprint}: RSS and the {@code --hook}), opens N connections (at
 * most {@link BenchLoad#HANDSHAKES_IN_FLIGHT} handshakes at a time), has each exchange one message
 * when asked ({@code --touch}: what using a connection leaves behind, such as compression state),
 * lets the server settle, holds them idle, reads the footprint again, counts those still open and
 * closes them with 1000.
 *
 * <p>The handshakes are counted and timed (connect to open) like the connect mode's, over the time
 * it took to open them all.
 *
 * <p>Threading: {@link #run} blocks the calling thread; the connections live on the client's
 * event loops.
 */
final class BenchIdleLoad {
    /** Time for the server to finish its side of the last handshakes before RSS is read. */
    static final long SETTLE_MILLIS = 1000;

    private final BenchLoad.Plan plan;
    private final BenchContext context;
    private final BenchPayload payload;
    private final ServerFootprint footprint;
    private final AtomicLong lastOpen = new AtomicLong();

    BenchIdleLoad(BenchLoad.Plan plan, BenchContext context, BenchPayload payload, ServerFootprint footprint) {
        this.plan = plan;
        this.context = context;
        this.payload = payload;
        this.footprint = footprint;
    }

    /**
     * @return the result, or null when no connection could be opened; {@code failure} then holds
     *     why
     */
    BenchResult run(WebSocketClient client, AtomicReference<Throwable> failure) throws InterruptedException {
        ServerFootprint.Reading before = footprint.read();
        long start = context.now();
        List<Idler> idlers = new ArrayList<>();
        List<CompletableFuture<WebSocket>> connects = BenchLoad.connectAll(client, plan, context, failure, i -> {
            Idler idler = new Idler(context.now());
            idlers.add(idler);
            return idler;
        });
        for (int i = 0; i < connects.size(); i++) {
            Idler idler = idlers.get(i);
            connects.get(i).whenComplete((ws, e) -> {
                if (e != null) {
                    idler.ready.complete(null);
                }
            });
        }
        await(idlers.stream().map(p -> p.ready));
        List<Idler> open = idlers.stream().filter(p -> p.ws != null).toList();
        long unanswered = open.stream().filter(p -> !p.ready.isDone()).count();
        if (unanswered > 0) {
            context.error(unanswered + " connections got no echo of their --touch message"
                    + " (does the server echo? duplex serve needs --echo)");
        }
        context.window(start, Math.max(start + 1, lastOpen.get()));
        if (open.isEmpty()) {
            return null;
        }
        TimeUnit.MILLISECONDS.sleep(SETTLE_MILLIS);
        ServerFootprint.Reading opened = footprint.rss();
        TimeUnit.NANOSECONDS.sleep(plan.holdNanos());
        ServerFootprint.Reading held = footprint.read();
        int stillOpen = (int) open.stream().filter(p -> !p.closed.isDone()).count();
        context.stopSending();
        for (Idler p : open) {
            p.ws.close(1000, "bench done");
        }
        await(open.stream().map(p -> p.closed));
        Idle idle = new Idle(
                before,
                opened,
                held,
                stillOpen,
                plan.holdNanos() / 1e9,
                plan.touch(),
                open.stream()
                        .collect(Collectors.groupingBy(
                                p -> String.join(", ", p.ws.extensions()), TreeMap::new, Collectors.counting())));
        return BenchLoad.result(plan, context, plan.touch() ? payload.size : 0, payload.binary, open.size())
                .withIdle(idle);
    }

    private void await(java.util.stream.Stream<CompletableFuture<?>> futures) throws InterruptedException {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture<?>[]::new))
                    .get(plan.connectTimeoutMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // Judged per connection by the caller.
        }
    }

    /**
     * What the idle mode found.
     *
     * @param before the server's footprint before the first connection
     * @param opened its RSS once every connection was open (and touched) and the server settled
     * @param held its footprint after the hold
     * @param openAfterHold connections the server had not closed by the end of the hold
     * @param holdSeconds how long the connections were held idle
     * @param touched whether each connection exchanged one message before the hold
     * @param extensions how many connections negotiated each extension answer (the server's
     *     {@code Sec-WebSocket-Extensions}, "" for none), e.g. with and without context takeover
     */
    record Idle(
            ServerFootprint.Reading before,
            ServerFootprint.Reading opened,
            ServerFootprint.Reading held,
            int openAfterHold,
            double holdSeconds,
            boolean touched,
            SortedMap<String, Long> extensions) {}

    /** One held connection: timed at open, touched once if asked, then left alone. */
    private final class Idler implements WebSocketHandler {
        private final long start;
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        volatile WebSocket ws;

        Idler(long start) {
            this.start = start;
        }

        @Override
        public void onOpen(WebSocket ws) {
            long now = context.now();
            context.stats().measure(now - start, 0);
            lastOpen.accumulateAndGet(now, Math::max);
            this.ws = ws;
            if (plan.touch()) {
                payload.sender().send(ws, now);
            } else {
                ready.complete(null);
            }
        }

        @Override
        public void onText(WebSocket ws, String text) {
            echoed(payload.stamp(text));
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            echoed(payload.stamp(data));
        }

        private void echoed(long stamp) {
            if (!plan.touch() || stamp == BenchPayload.INVALID || ready.isDone()) {
                context.error("unexpected message on an idle connection");
            }
            ready.complete(null);
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
            if (context.sending()) {
                context.error("closed while held: " + code + (reason.isEmpty() ? "" : " " + reason));
            }
            ready.complete(null);
            closed.complete(null);
        }
    }
}
