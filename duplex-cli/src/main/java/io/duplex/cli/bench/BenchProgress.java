package io.duplex.cli.bench;

import io.duplex.cli.Style;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The timeline of a {@code duplex bench} run — warm-up, then the measurement window — the
 * client's own CPU use over the window (as wsload reports {@code lg_cpu}), and the live progress
 * line on stderr once per second: on a terminal one line rewritten in place, with
 * {@code --progress} in a pipe one line per second.
 *
 * <pre>
 *   3 s  measuring   118,532 echoes/s   errors 0   open 100/100
 * </pre>
 *
 * <p>Threading: {@link #run} blocks the calling thread for the whole timeline.
 */
final class BenchProgress {
    private static final long SECOND = 1_000_000_000L;

    private final PrintStream err;
    private final boolean enabled;
    private final boolean rewrite;
    private final Style style;

    /**
     * @param rewrite rewrite one line in place (a terminal) rather than print a line per second
     */
    BenchProgress(PrintStream err, boolean enabled, boolean rewrite, Style style) {
        this.err = err;
        this.enabled = enabled;
        this.rewrite = rewrite;
        this.style = style;
    }

    /**
     * Sets the context's window to {@code [now + warmup, now + warmup + duration)}, reports once per
     * second until it has passed, then stops new sends.
     *
     * @param received receipts so far (any phase), for the live rate
     * @param unit what is counted, e.g. {@code echoes}
     * @param open connections open now, shown as {@code open N/total}; null to leave it out
     */
    /** {@link #run(BenchContext, long, long, LongSupplier, String, LongSupplier, int)} for a plan. */
    void run(BenchContext context, BenchLoad.Plan plan, LongSupplier open) {
        run(
                context,
                plan.warmupNanos(),
                plan.durationNanos(),
                context::received,
                plan.mode().counted(),
                open,
                plan.connections());
    }

    private void run(
            BenchContext context,
            long warmupNanos,
            long durationNanos,
            LongSupplier received,
            String unit,
            LongSupplier open,
            int total) {
        long start = context.now();
        long windowStart = start + warmupNanos;
        long windowEnd = windowStart + durationNanos;
        context.window(windowStart, windowEnd);
        long lastCount = received.getAsLong();
        long last = start;
        long cpuAtStart = warmupNanos == 0 ? processCpuNanos() : -1;
        long cpuStartedAt = start;
        while (true) {
            long now = context.now();
            if (now >= windowEnd) {
                break;
            }
            // A tick every second, and one exactly where the window opens (for the CPU figure).
            long until = Math.min(windowEnd, last + SECOND);
            if (last < windowStart) {
                until = Math.min(until, windowStart);
            }
            while ((now = context.now()) < until) {
                LockSupport.parkNanos(until - now);
            }
            if (last < windowStart && now >= windowStart) {
                cpuAtStart = processCpuNanos();
                cpuStartedAt = now;
            }
            long count = received.getAsLong();
            if (enabled) {
                double rate = (count - lastCount) * 1e9 / Math.max(1, now - last);
                String line = String.format(
                        Locale.ROOT,
                        "%4.0f s  %-9s %,12.0f %s/s   errors %,d%s",
                        (now - start) / 1e9,
                        last < windowStart ? "warm-up" : "measuring",
                        rate,
                        unit,
                        context.errors(),
                        open != null ? "   open " + open.getAsLong() + "/" + total : "");
                if (rewrite) {
                    err.print("\r" + style.clearLine() + line);
                    err.flush();
                } else {
                    err.println(line);
                }
            }
            lastCount = count;
            last = now;
        }
        context.stopSending();
        long cpuAtEnd = processCpuNanos();
        long elapsed = context.now() - cpuStartedAt;
        if (cpuAtStart >= 0 && cpuAtEnd >= 0 && elapsed > 0) {
            context.clientCpu((cpuAtEnd - cpuAtStart) / (double) elapsed);
        }
        if (enabled && rewrite) {
            err.println();
        }
    }

    /** CPU time of this whole process (every thread, GC and JIT included), or -1 if unknown. */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
