package io.duplex.internal;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * The outbound memory of one server (or client) together: bytes of batch buffers its connections
 * hold. Every event loop's {@link BufferPool} counts what it hands out and gets back, so the sum is
 * the direct memory that peers which do not read can pin. When it reaches the limit, a connection
 * that holds a full batch or more is treated as over its outbound limit (the slow-consumer policy),
 * while a connection whose queue is nearly empty — a peer that keeps up — is not: the budget takes
 * memory back from the peers that hold it.
 *
 * <p>The default limit is half of the JVM's maximum direct memory, so the loops' own buffers, the
 * pools' free batches and the JDK's temporary buffers fit beside it and an allocation on an event
 * loop cannot fail because of what peers do.
 *
 * <p>Threading: safe from any thread ({@link LongAdder}: loops add without contending).
 */
public final class OutboundBudget {
    private final long limit;
    private final LongAdder held = new LongAdder();

    /** A budget of {@code limit} bytes; 0 = half of the JVM's maximum direct memory. */
    public OutboundBudget(long limit) {
        this.limit = limit > 0 ? limit : maxDirectMemory() / 2;
    }

    public long limit() {
        return limit;
    }

    /** Bytes of batches handed out and not returned. */
    public long held() {
        return held.sum();
    }

    /** Whether the budget is spent. */
    public boolean spent() {
        return held.sum() >= limit;
    }

    void took(int bytes) {
        held.add(bytes);
    }

    void returned(int bytes) {
        held.add(-bytes);
    }

    /**
     * {@code -XX:MaxDirectMemorySize} if given (the last one wins, as in HotSpot), else the maximum
     * heap, which is HotSpot's default for direct memory.
     */
    static long maxDirectMemory() {
        long max = Runtime.getRuntime().maxMemory();
        List<String> args;
        try {
            args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        } catch (RuntimeException | LinkageError e) {
            return max;
        }
        for (String a : args) {
            if (a.startsWith("-XX:MaxDirectMemorySize=")) {
                long parsed = parseSize(a.substring(a.indexOf('=') + 1));
                if (parsed > 0) {
                    max = parsed;
                }
            }
        }
        return max;
    }

    /** {@code 64m}, {@code 1G}, {@code 65536}: HotSpot's size syntax; -1 when it is not one. */
    static long parseSize(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        if (v.isEmpty()) {
            return -1;
        }
        long unit =
                switch (v.charAt(v.length() - 1)) {
                    case 'k' -> 1L << 10;
                    case 'm' -> 1L << 20;
                    case 'g' -> 1L << 30;
                    case 't' -> 1L << 40;
                    default -> 1;
                };
        String digits = unit == 1 ? v : v.substring(0, v.length() - 1);
        try {
            return Math.multiplyExact(Long.parseLong(digits), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            return -1;
        }
    }
}
