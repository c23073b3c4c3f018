package io.duplex;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-process {@link StreamEngine}: each topic's offsets and history in this JVM's memory. An
 * epoch is made when a topic's stream starts, from a random per-engine prefix and a counter, so a
 * restarted process never reuses one: subscribers resuming with a position of a previous process
 * are told they were not recovered.
 *
 * <p>Memory: per topic, a small record (epoch, offset) plus the publications its {@link History}
 * keeps (at most {@code size}, none older than {@code ttl}, trimmed as publishes and reads go by).
 * The record of a topic nobody on this node listens to is dropped after {@code streamTtl} without
 * a publication, or at once if it never had one (checked every {@value #SWEEP_EVERY} publishes or
 * listens); its next publication starts a new epoch.
 *
 * <p>Threading: safe from any thread. A publish holds its topic's lock while it hands the
 * publication to the sink, so the sink sees each topic's offsets in order; publishing never
 * blocks on subscribers (the runtime's sink only queues tasks).
 */
public final class InMemoryStreamEngine implements StreamEngine {
    private static final int SWEEP_EVERY = 1024;
    /** How long an unlistened topic keeps its epoch and offset after its last publication. */
    public static final Duration DEFAULT_STREAM_TTL = Duration.ofHours(24);

    private final InstantSource clock;
    private final long streamTtlMillis;
    private final String epochPrefix;
    private final AtomicLong epochs = new AtomicLong();
    private final AtomicLong publishes = new AtomicLong();
    private final Map<String, Stream> streams = new ConcurrentHashMap<>();
    private final Map<String, Boolean> listened = new ConcurrentHashMap<>();
    private volatile Sink sink = p -> {};

    /** An engine on the system clock, keeping idle topics' positions for {@link #DEFAULT_STREAM_TTL}. */
    public InMemoryStreamEngine() {
        this(InstantSource.system(), DEFAULT_STREAM_TTL);
    }

    /** An engine on {@code clock} (tests move time on) keeping idle topics' positions for {@code streamTtl}. */
    public InMemoryStreamEngine(InstantSource clock, Duration streamTtl) {
        this.clock = Objects.requireNonNull(clock);
        this.streamTtlMillis = streamTtl.toMillis();
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        StringBuilder prefix = new StringBuilder();
        for (byte b : random) {
            prefix.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        this.epochPrefix = prefix.toString();
    }

    /** One topic's stream; guarded by its own lock. */
    private static final class Stream {
        final String epoch;
        long offset;
        long lastPublishMillis;
        /** Swept away: a caller holding it takes the map's current stream instead. */
        boolean dropped;

        final ArrayDeque<Publication> kept = new ArrayDeque<>();

        Stream(String epoch, long now) {
            this.epoch = epoch;
            this.lastPublishMillis = now;
        }

        void trim(History history, long now) {
            long oldest = now - history.ttl().toMillis();
            while (!kept.isEmpty()
                    && (kept.size() > history.size() || kept.peekFirst().timeMillis() < oldest)) {
                kept.pollFirst();
            }
        }
    }

    @Override
    public void start(Sink sink) {
        this.sink = Objects.requireNonNull(sink);
    }

    @Override
    public CompletionStage<Position> publish(String topic, PreparedMessage message, History history) {
        long now = clock.millis();
        Publication publication;
        while (true) {
            Stream stream = stream(topic, now);
            synchronized (stream) {
                if (stream.dropped) {
                    continue;
                }
                stream.offset++;
                stream.lastPublishMillis = now;
                publication = new Publication(topic, new Position(stream.epoch, stream.offset), message, now);
                if (history.enabled()) {
                    stream.kept.addLast(publication);
                }
                stream.trim(history, now);
                if (listened.containsKey(topic)) {
                    sink.onPublication(publication);
                }
                break;
            }
        }
        if (publishes.incrementAndGet() % SWEEP_EVERY == 0) {
            sweep(now);
        }
        return CompletableFuture.completedFuture(publication.position());
    }

    @Override
    public CompletionStage<HistoryPage> history(String topic, HistoryQuery query, History history) {
        long now = clock.millis();
        while (true) {
            // Reading a topic without a stream does not make one (a reader cannot grow memory).
            Stream stream = streams.getOrDefault(topic, new Stream(newEpoch(), now));
            synchronized (stream) {
                if (stream.dropped) {
                    continue;
                }
                stream.trim(history, now);
                Position latest = new Position(stream.epoch, stream.offset);
                List<Publication> page = new ArrayList<>(Math.min(query.limit(), stream.kept.size()));
                long after = query.since() == null ? 0 : query.since().offset();
                Iterator<Publication> it =
                        query.newestFirst() ? stream.kept.descendingIterator() : stream.kept.iterator();
                while (it.hasNext() && page.size() < query.limit()) {
                    Publication p = it.next();
                    if (p.offset() > after) {
                        page.add(p);
                    } else if (query.newestFirst()) {
                        break;
                    }
                }
                return CompletableFuture.completedFuture(new HistoryPage(page, latest));
            }
        }
    }

    @Override
    public CompletionStage<Void> listen(String topic) {
        listened.put(topic, Boolean.TRUE);
        // The stream (its epoch) exists from the first listener on, so a subscriber told "offset 0
        // of epoch E" sees the first publication in E.
        stream(topic, clock.millis());
        if (publishes.incrementAndGet() % SWEEP_EVERY == 0) {
            sweep(clock.millis());
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void unlisten(String topic) {
        listened.remove(topic);
    }

    /** Topics with a stream in memory (for tests and metrics). */
    public int streamCount() {
        return streams.size();
    }

    /** Drops the streams of unlistened topics idle for the stream ttl now (tests; also done as publishes go by). */
    public void sweep() {
        sweep(clock.millis());
    }

    private Stream stream(String topic, long now) {
        return streams.computeIfAbsent(topic, t -> new Stream(newEpoch(), now));
    }

    private String newEpoch() {
        return epochPrefix + Long.toString(epochs.incrementAndGet(), 36);
    }

    private void sweep(long now) {
        streams.forEach((topic, stream) -> {
            synchronized (stream) {
                // A stream that never had a publication holds nothing worth keeping once unlistened.
                if (!listened.containsKey(topic)
                        && (stream.offset == 0 || now - stream.lastPublishMillis >= streamTtlMillis)) {
                    stream.dropped = true;
                    streams.remove(topic, stream);
                }
            }
        });
    }
}
