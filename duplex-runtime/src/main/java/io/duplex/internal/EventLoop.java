package io.duplex.internal;

import io.duplex.MetricsListener;
import io.duplex.RouteMetrics;
import io.duplex.frame.FrameEncoder;
import io.duplex.protocol.ReaderPool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One thread, one {@link Selector}, a task queue, scheduled tasks and a periodic tick that checks
 * every connection's deadlines. A connection lives on one loop for life, so its state needs no
 * locks (invariant 5 in docs/ARCHITECTURE.md).
 *
 * <p>Threading: {@link #execute}, {@link #schedule}, {@link #inLoop} and {@link #shutdown} are safe
 * from any thread; everything else must be called on the loop.
 */
public final class EventLoop {
    private static final System.Logger LOG = System.getLogger(EventLoop.class.getName());

    /** A selectable thing the loop dispatches readiness to. */
    public interface Handler {
        void onReady(SelectionKey key);
    }

    /** Something with deadlines, checked on every tick. */
    public interface Ticking {
        void tick(long nowNanos);

        /** Where the loop keeps it (-1 when not kept), so removal is O(1), not a search. */
        int tickSlot();

        void tickSlot(int slot);
    }

    private final Selector selector;
    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final PriorityQueue<Scheduled> scheduled = new PriorityQueue<>();
    private final List<Ticking> ticking = new ArrayList<>();
    private final List<Flushable> dirty = new ArrayList<>();
    /**
     * Sockets whose selection keys were cancelled since the last select, closed once a select has
     * deregistered those keys ({@link #closeDeregistered}); swapped with {@link #deregistered}
     * before each select.
     */
    private List<SelectableChannel> closing = new ArrayList<>();

    private List<SelectableChannel> deregistered = new ArrayList<>();
    private final long tickNanos;
    private final BufferPool pool;
    private final ByteBuffer headerScratch = ByteBuffer.allocate(FrameEncoder.MAX_HEADER_SIZE);
    /**
     * Receive state the engines of this loop's connections borrow per read: a connection between
     * messages holds none. The loop reads one connection at a time, so one or two are in use; a
     * few more are kept for connections whose messages span reads.
     */
    private final ReaderPool readers = new ReaderPool(16);
    /** Write queues, lent to connections while they have output (see {@link Outbound}). */
    private final Outbound.Pool outbounds;
    /** Shared by all connections of this loop: a connection consumes every byte it reads. */
    private final ByteBuffer readBuffer;
    /** Told how long each pass worked, or null (then the pass reads no clock for it). */
    private final MetricsListener metrics;
    /**
     * Messages and bytes the loop's connections sent this pass, summed per route ({@link
     * #countOut}) and reported once at the end of the pass: a broadcast to n subscribers of one
     * route costs two listener calls per pass, not 2n. One slot per route ever seen here (routes
     * are fixed when the server starts), found by identity.
     */
    private RouteMetrics[] outRoutes = new RouteMetrics[2];

    private int[] outMessages = new int[2];
    private long[] outBytes = new long[2];
    private int outSlots;
    private int lastOutSlot;

    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile boolean shuttingDown;
    private long nextTick;
    private long sequence;
    /** {@link System#nanoTime()} when this pass's work began; see {@link #passNanos()}. */
    private long passNanos = System.nanoTime();
    /** The same for the pass in progress, 0 until its work begins (loop only). */
    private long passStarted;
    /** {@link #dispatch}, made once: a method reference per pass would be an allocation per pass. */
    private final Consumer<SelectionKey> onSelected = this::dispatch;

    /** A connection with output waiting for the end of this loop pass (corking). */
    public interface Flushable {
        void flush();

        /**
         * The end-of-pass flush: {@link #flush()} unless the output was already written since it
         * was marked (a connection flushes right after its own read and stays on the list).
         */
        default void flushMarked() {
            flush();
        }

        /**
         * Hands what was sent since the last report to {@link #countOut}; called for every dirty
         * connection before any is flushed, so the pass's report precedes its writes.
         */
        default void countOut() {}
    }

    public EventLoop(String name, long tickNanos, int readBufferSize, OutboundBudget budget) {
        this(name, tickNanos, readBufferSize, budget, null);
    }

    /** {@code metrics}: told the working time of every pass ({@link MetricsListener#loopPass}), or null. */
    public EventLoop(String name, long tickNanos, int readBufferSize, OutboundBudget budget, MetricsListener metrics) {
        this.metrics = metrics;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.tickNanos = tickNanos;
        this.pool = new BufferPool(16 * 1024, 256, budget);
        this.outbounds = new Outbound.Pool(pool, 16);
        this.readBuffer = ByteBuffer.allocateDirect(readBufferSize);
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(false);
    }

    public void start() {
        thread.start();
    }

    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    public BufferPool pool() {
        return pool;
    }

    /**
     * Where the engines of this loop's connections write frame headers: each copies its header
     * out before it returns, so one buffer serves them all (instead of 88 bytes per connection).
     */
    public ByteBuffer headerScratch() {
        return headerScratch;
    }

    /** The write queues this loop's connections borrow; confined to the loop. */
    Outbound.Pool outbounds() {
        return outbounds;
    }

    /** The receive state this loop's engines borrow ({@link ReaderPool}); confined to the loop. */
    public ReaderPool readers() {
        return readers;
    }

    /** The loop's read buffer; only for use on the loop, and empty again before returning. */
    public ByteBuffer readBuffer() {
        return readBuffer;
    }

    /** Runs {@code task} on the loop, after the tasks already queued. */
    public void execute(Runnable task) {
        tasks.add(task);
        if (!inLoop() && wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /** Runs {@code task} on the loop after {@code delayNanos}. Returns a handle to cancel it. */
    public Cancellable schedule(Runnable task, long delayNanos) {
        Scheduled s = new Scheduled(task, System.nanoTime() + delayNanos);
        if (inLoop()) {
            s.seq = sequence++;
            scheduled.add(s);
        } else {
            execute(() -> {
                s.seq = sequence++;
                scheduled.add(s);
            });
        }
        return s;
    }

    /**
     * On the loop: the time this pass began, for activity stamps (idle and message timeouts).
     * Those are checked once per tick, so a stamp that is a pass old loses nothing, and it saves
     * a clock read per message: two per echoed message were 7.5 % of the loop's CPU.
     */
    public long passNanos() {
        return passNanos;
    }

    /**
     * Closes {@code channel}, whose key was just cancelled, right after the next select, which
     * deregisters that key; must run on the loop. Closed while still registered, a socket costs
     * the JDK two more system calls (it reads SO_LINGER and shuts the output down so that the
     * peer sees the end before the selector closes the descriptor): about 2 % of a server's CPU
     * per handshake when connections open and close at once. Closed after deregistration, it is
     * one {@code close(2)}, at the same moment the JDK would have closed it.
     */
    public void closeDeregistered(SelectableChannel channel) {
        closing.add(channel);
    }

    /** Registers a channel; must run on the loop. */
    public SelectionKey register(SelectableChannel channel, int ops, Handler handler) throws IOException {
        return channel.register(selector, ops, handler);
    }

    public void addTicking(Ticking t) {
        t.tickSlot(ticking.size());
        ticking.add(t);
    }

    /**
     * Removes {@code t} in O(1): the last one takes its slot. (A search was O(n) per close: 10,000
     * connections closing together cost 50 million comparisons.)
     */
    public void removeTicking(Ticking t) {
        int i = t.tickSlot();
        if (i < 0 || i >= ticking.size() || ticking.get(i) != t) {
            return;
        }
        Ticking last = ticking.remove(ticking.size() - 1);
        if (last != t) {
            ticking.set(i, last);
            last.tickSlot(i);
        }
        t.tickSlot(-1);
    }

    /** On the loop: hands each deadline holder to {@code action}, which must not add or remove any. */
    public void forEachTicking(Consumer<? super Ticking> action) {
        for (int i = 0; i < ticking.size(); i++) {
            action.accept(ticking.get(i));
        }
    }

    /** Number of connections and other deadline holders on this loop. */
    public int tickingCount() {
        return ticking.size();
    }

    /**
     * Adds {@code messages} and {@code bytes} sent by a connection of {@code route} to this pass's
     * report (loop only; no allocation once the route has its slot).
     */
    public void countOut(RouteMetrics route, int messages, int bytes) {
        int i = lastOutSlot;
        if (i >= outSlots || outRoutes[i] != route) {
            i = 0;
            while (i < outSlots && outRoutes[i] != route) {
                i++;
            }
            if (i == outSlots) {
                if (i == outRoutes.length) {
                    outRoutes = Arrays.copyOf(outRoutes, i * 2);
                    outMessages = Arrays.copyOf(outMessages, i * 2);
                    outBytes = Arrays.copyOf(outBytes, i * 2);
                }
                outRoutes[i] = route;
                outSlots++;
            }
            lastOutSlot = i;
        }
        outMessages[i] += messages;
        outBytes[i] += bytes;
    }

    /**
     * Reports the sums of {@link #countOut} to each route and clears them (cleared before each
     * call, so a listener that throws loses only its own report and does not stop the loop).
     */
    private void reportOutSafely() {
        for (int i = 0; i < outSlots; i++) {
            int messages = outMessages[i];
            long bytes = outBytes[i];
            outMessages[i] = 0;
            outBytes[i] = 0;
            try {
                if (messages != 0) {
                    outRoutes[i].messagesOut(messages);
                }
                while (bytes > 0) { // the hook takes an int; a pass may send more
                    int n = (int) Math.min(bytes, Integer.MAX_VALUE);
                    outRoutes[i].bytesOut(n);
                    bytes -= n;
                }
            } catch (Throwable e) {
                LOG.log(Level.ERROR, "metrics listener failed", e);
            }
        }
    }

    /** Queues {@code f} to be flushed at the end of this loop pass. */
    public void markDirty(Flushable f) {
        dirty.add(f);
    }

    /** Stops the loop after the tasks queued so far; closes its selector. */
    public CompletableFuture<Void> shutdown() {
        shuttingDown = true;
        execute(() -> {});
        return terminated;
    }

    public boolean isShutdown() {
        return shuttingDown;
    }

    private void run() {
        nextTick = System.nanoTime() + tickNanos;
        try {
            while (!shuttingDown) {
                try {
                    pass();
                } catch (ClosedSelectorException e) {
                    throw e;
                } catch (Throwable t) {
                    // A loop that died would strand every connection on it and every connection
                    // the server still hands it (Netty and Jetty keep their loops alive too).
                    // Handlers, tasks, ticks and flushes are guarded one by one; this catches
                    // the rest (e.g. an OutOfMemoryError in select) and goes on.
                    LOG.log(Level.ERROR, "event loop " + thread.getName() + " pass failed; going on", t);
                }
            }
            runTasks();
            flushDirty();
        } catch (ClosedSelectorException e) {
            // Shut down from outside.
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "event loop " + thread.getName() + " failed while stopping", t);
        } finally {
            closeSelector();
            terminated.complete(null);
        }
    }

    /**
     * One pass: wait for readiness (bounded by the next deadline), handling each ready channel as
     * the selector reports it, then tasks, timers, flushes.
     *
     * <p>Ready channels are handled in the order epoll reports them ({@code select(Consumer)}),
     * not by iterating the selected-key set: that set is a {@code HashSet}, and its order, fixed
     * by identity hashes, served the same connections last in every pass — their answers left
     * last and their next requests missed the next pass more often (in a 100-connection echo the
     * least-served connection got 0.76 of the mean). epoll's ready list is first come, first
     * served; Netty gets the same order by swapping the set for an array. It also spares a set
     * insertion and removal per ready channel.
     */
    private void pass() throws IOException {
        long timeoutMillis = selectTimeoutMillis();
        passStarted = 0;
        List<SelectableChannel> cancelled = closing;
        closing = deregistered; // empty: the last pass closed its sockets
        deregistered = cancelled;
        if (timeoutMillis == 0) {
            selector.selectNow(onSelected);
        } else {
            selector.select(onSelected, timeoutMillis);
        }
        wakeupPending.set(false);
        if (!cancelled.isEmpty()) {
            closeAll(cancelled); // their keys are deregistered now
        }
        if (passStarted == 0) {
            startPass();
        }
        long started = passStarted;
        MetricsListener m = metrics;
        runTasks();
        runScheduled();
        flushDirty();
        if (m != null) {
            // The pass's working time starts when select returns (at its first ready channel):
            // time blocked waiting for readiness is idleness, not load.
            m.loopPass(System.nanoTime() - started);
        }
    }

    /** The pass's work begins: one clock read stamps it ({@link #passNanos}). */
    private void startPass() {
        long now = System.nanoTime();
        passNanos = now;
        passStarted = now == 0 ? 1 : now;
    }

    /** Handles one ready channel, as the selector reports it. */
    private void dispatch(SelectionKey key) {
        if (passStarted == 0) {
            startPass();
        }
        Handler h = (Handler) key.attachment();
        try {
            h.onReady(key);
        } catch (Throwable e) {
            // Connections fail themselves on any Throwable; this is for a handler that did not.
            LOG.log(Level.ERROR, "unexpected error handling a channel; closing it", e);
            key.cancel();
            closeQuietly(key);
        }
    }

    private long selectTimeoutMillis() {
        if (!tasks.isEmpty() || !closing.isEmpty()) {
            return 0;
        }
        long now = System.nanoTime();
        long until = nextTick;
        Scheduled next = scheduled.peek();
        if (next != null && next.deadline < until) {
            until = next.deadline;
        }
        long millis = (until - now + 999_999) / 1_000_000;
        return Math.max(millis, 0) == 0 ? 0 : millis;
    }

    private void runTasks() {
        // Bounded: tasks queued by these tasks run in the next pass, so I/O is not starved.
        for (int n = tasks.size(); n > 0; n--) {
            Runnable task = tasks.poll();
            if (task == null) {
                break;
            }
            safely(task);
        }
    }

    private void runScheduled() {
        long now = System.nanoTime();
        Scheduled s;
        while ((s = scheduled.peek()) != null && s.deadline - now <= 0) {
            scheduled.poll();
            if (!s.cancelled) {
                safely(s.task);
            }
        }
        if (now - nextTick >= 0) {
            nextTick = now + tickNanos;
            pool.trim();
            outbounds.trim();
            for (int i = ticking.size() - 1; i >= 0; i--) {
                if (i < ticking.size()) {
                    // Not safely(() -> …): a lambda per connection per tick was garbage that idle
                    // connections made four times a second.
                    try {
                        ticking.get(i).tick(now);
                    } catch (Throwable e) {
                        LOG.log(Level.ERROR, "event loop task failed", e);
                    }
                }
            }
        }
    }

    private void flushDirty() {
        // Metrics first: what this pass queued is reported before it is written, so whoever sees
        // the bytes arrive sees them counted too.
        if (outSlots != 0) {
            for (int i = 0; i < dirty.size(); i++) {
                dirty.get(i).countOut(); // field arithmetic only: no listener call, nothing thrown
            }
            reportOutSafely();
        }
        // Flushing may mark more connections dirty (e.g. a close frame after a failed write).
        try {
            for (int i = 0; i < dirty.size(); i++) {
                Flushable f = dirty.get(i);
                try {
                    f.flushMarked(); // no method reference: one object per connection per pass
                } catch (Throwable e) {
                    LOG.log(Level.ERROR, "event loop flush failed", e);
                }
            }
        } finally {
            dirty.clear();
        }
        if (outSlots != 0) {
            reportOutSafely(); // what flushing itself counted (connections destroyed, early flushes)
        }
    }

    private static void safely(Runnable task) {
        try {
            task.run();
        } catch (Throwable e) {
            LOG.log(Level.ERROR, "event loop task failed", e);
        }
    }

    private static void closeQuietly(SelectionKey key) {
        try {
            key.channel().close();
        } catch (IOException e) {
            // already broken; nothing more to free
        }
    }

    private void closeSelector() {
        for (SelectionKey key : selector.keys()) {
            try {
                key.channel().close();
            } catch (IOException e) {
                // best effort at shutdown
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            // best effort at shutdown
        }
        closeAll(deregistered);
        closeAll(closing);
    }

    private static void closeAll(List<SelectableChannel> channels) {
        for (int i = 0; i < channels.size(); i++) {
            try {
                channels.get(i).close();
            } catch (IOException e) {
                // Nothing left to do for a socket that fails to close.
            }
        }
        channels.clear();
    }

    /** A cancellable scheduled task. */
    public interface Cancellable {
        void cancel();
    }

    private static final class Scheduled implements Comparable<Scheduled>, Cancellable {
        final Runnable task;
        final long deadline;
        long seq;
        volatile boolean cancelled;

        Scheduled(Runnable task, long deadline) {
            this.task = task;
            this.deadline = deadline;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(Scheduled o) {
            int c = Long.compare(deadline - o.deadline, 0);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
