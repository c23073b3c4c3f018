package io.duplex.cli.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The outcome of a {@code duplex bench} run and its two renderings: a summary for people and one
 * JSON object for machines ({@code --json}).
 *
 * <p>{@code count} is what the mode counts inside the measurement window — echoes (echo),
 * deliveries to all members (broadcast) or completed handshakes (connect) — and {@code latency}
 * holds exactly one value per counted event, in nanoseconds: round trip (echo), publish to
 * receipt (broadcast) or connect to open (connect).
 *
 * <p>Threading: immutable once built.
 *
 * @param urls the servers the connections were spread over, round-robin
 * @param pipeline messages in flight per connection; 0 for no limit
 * @param rate the open-loop rate in messages per second, or null for closed loop
 * @param seconds the measurement window as it really was
 * @param publishes broadcast: messages the publisher sent inside the window; otherwise 0
 * @param firstError the first error's description, or null
 * @param clientCpu cores this process used during the window (CPU time over wall time, every
 *     thread), or NaN when the JVM cannot tell
 * @param idle idle mode: the server's footprint and what was held; null in the other modes
 */
record BenchResult(
        BenchMode mode,
        List<String> urls,
        int connections,
        int opened,
        int pipeline,
        int size,
        boolean binary,
        Double rate,
        double seconds,
        double warmupSeconds,
        int eventLoops,
        long count,
        long bytes,
        long publishes,
        long errors,
        String firstError,
        double clientCpu,
        Histogram latency,
        BenchIdleLoad.Idle idle) {

    BenchResult withIdle(BenchIdleLoad.Idle idle) {
        return new BenchResult(
                mode,
                urls,
                connections,
                opened,
                pipeline,
                size,
                binary,
                rate,
                seconds,
                warmupSeconds,
                eventLoops,
                count,
                bytes,
                publishes,
                errors,
                firstError,
                clientCpu,
                latency,
                idle);
    }

    /** The server's growth in KiB per opened connection between two readings, or NaN. */
    private double perConnection(double before, double after) {
        return opened == 0 || Double.isNaN(before) || Double.isNaN(after) || before < 0 || after < 0
                ? Double.NaN
                : (after - before) / opened;
    }

    /** Idle mode: RSS growth per connection after the hold, or NaN without --pid. */
    double rssKibPerConnection() {
        return perConnection(idle.before().rssKib(), idle.held().rssKib());
    }

    /** Idle mode: the hook's growth per connection after the hold, or NaN without --hook. */
    double hookKibPerConnection() {
        return perConnection(idle.before().hookKib(), idle.held().hookKib());
    }

    double perSecond() {
        return seconds > 0 ? count / seconds : 0;
    }

    private double micros(double percentile) {
        return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile) / 1000.0;
    }

    /** The summary, a few lines for people. */
    void print(PrintStream out) {
        String what =
                switch (mode) {
                    case ECHO ->
                        connections + " connections × "
                                + (pipeline == 0 ? "no limit" : String.valueOf(pipeline)) + " in flight, " + size
                                + " B "
                                + (binary ? "binary" : "text");
                    case BROADCAST ->
                        connections + " members, publisher window "
                                + (pipeline == 0 ? "unlimited" : String.valueOf(pipeline)) + ", " + size + " B "
                                + (binary ? "binary" : "text");
                    case CONNECT -> connections + " concurrent handshakes";
                    case IDLE ->
                        connections + " connections held "
                                + String.format(Locale.ROOT, "%.1f s", idle.holdSeconds())
                                + (idle.touched() ? " after one " + size + " B message each" : "");
                };
        String loop = mode == BenchMode.CONNECT || mode == BenchMode.IDLE
                ? ""
                : rate == null ? ", closed loop" : ", open loop " + num(rate) + "/s";
        out.println("duplex bench " + mode.label() + " " + String.join(" ", urls) + ": " + what + loop);
        String window = mode == BenchMode.IDLE
                ? String.format(Locale.ROOT, "%.2f s to open them", seconds)
                : String.format(Locale.ROOT, "%.2f s measured after %.1f s warm-up", seconds, warmupSeconds);
        out.printf(
                Locale.ROOT,
                "  %s; %d/%d connections opened; %d event loops; client CPU %s%n",
                window,
                opened,
                connections,
                eventLoops,
                Double.isNaN(clientCpu) ? "unknown" : String.format(Locale.ROOT, "%.2f cores", clientCpu));
        out.printf(Locale.ROOT, "  %-11s %,d   %s %s/s", mode.counted(), count, num(perSecond()), mode.counted());
        if (mode != BenchMode.CONNECT && mode != BenchMode.IDLE) {
            out.printf(Locale.ROOT, "   %.2f MB/s", bytes / seconds / 1e6);
        }
        out.println();
        if (mode == BenchMode.BROADCAST) {
            out.printf(Locale.ROOT, "  %-11s %,d   %s/s%n", "publishes", publishes, num(publishes / seconds));
        }
        if (mode == BenchMode.IDLE) {
            printIdle(out);
        }
        out.printf(
                Locale.ROOT, "  %-11s %,d%s%n", "errors", errors, firstError != null ? "   first: " + firstError : "");
        out.printf(
                Locale.ROOT,
                "  %-11s p50 %s   p90 %s   p99 %s   p99.9 %s   max %s   (%,d samples, %s)%n",
                "latency µs",
                us(micros(50)),
                us(micros(90)),
                us(micros(99)),
                us(micros(99.9)),
                us(latency.getMaxValue() / 1000.0),
                latency.getTotalCount(),
                mode.latencyMeaning());
    }

    private void printIdle(PrintStream out) {
        out.printf(Locale.ROOT, "  %-11s %,d of %,d still open after the hold%n", "held", idle.openAfterHold(), opened);
        idle.extensions()
                .forEach((answer, n) -> out.printf(
                        Locale.ROOT, "  %-11s %,d × %s%n", "extensions", n, answer.isEmpty() ? "none" : answer));
        if (idle.before().rssKib() >= 0) {
            out.printf(
                    Locale.ROOT,
                    "  %-11s %,d KiB before, %,d open, %,d after the hold: %.2f KiB per connection%n",
                    "server RSS",
                    idle.before().rssKib(),
                    idle.opened().rssKib(),
                    idle.held().rssKib(),
                    rssKibPerConnection());
        }
        if (!Double.isNaN(idle.before().hookKib()) || !Double.isNaN(idle.held().hookKib())) {
            out.printf(
                    Locale.ROOT,
                    "  %-11s %,.0f KiB before, %,.0f after the hold: %.2f KiB per connection%n",
                    "hook",
                    idle.before().hookKib(),
                    idle.held().hookKib(),
                    hookKibPerConnection());
        }
    }

    /** One JSON object on one line. */
    String json() {
        StringBuilder sb = new StringBuilder(512).append('{');
        field(sb, "mode", quote(mode.label()));
        field(sb, "url", quote(urls.get(0)));
        sb.append("\"urls\":[");
        for (int i = 0; i < urls.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(quote(urls.get(i)));
        }
        sb.append("],");
        field(sb, "connections", connections);
        field(sb, "opened", opened);
        field(sb, "pipeline", pipeline == 0 ? "null" : String.valueOf(pipeline));
        field(sb, "size", size);
        field(sb, "binary", binary);
        field(sb, "rate", rate == null ? "null" : fixed(rate));
        field(sb, "duration_s", String.format(Locale.ROOT, "%.6f", seconds));
        field(sb, "warmup_s", fixed(warmupSeconds));
        field(sb, "event_loops", eventLoops);
        field(sb, "client_cpu", Double.isNaN(clientCpu) ? "null" : String.format(Locale.ROOT, "%.2f", clientCpu));
        field(sb, "messages", count);
        field(sb, "msgs_per_s", fixed(perSecond()));
        field(sb, "mb_per_s", fixed(seconds > 0 ? bytes / seconds / 1e6 : 0));
        switch (mode) {
            case BROADCAST -> {
                field(sb, "deliveries", count);
                field(sb, "deliveries_per_s", fixed(perSecond()));
                field(sb, "publishes", publishes);
            }
            case CONNECT -> {
                field(sb, "handshakes", count);
                field(sb, "handshakes_per_s", fixed(perSecond()));
            }
            case IDLE -> {
                field(sb, "handshakes", count);
                field(sb, "handshakes_per_s", fixed(perSecond()));
                field(sb, "hold_s", fixed(idle.holdSeconds()));
                field(sb, "touched", idle.touched());
                field(sb, "open_after_hold", idle.openAfterHold());
                sb.append("\"extensions\":{");
                String sep = "";
                for (var e : idle.extensions().entrySet()) {
                    sb.append(sep).append(quote(e.getKey())).append(':').append(e.getValue());
                    sep = ",";
                }
                sb.append("},");
                field(sb, "rss_before_kib", idle.before().rssKib());
                field(sb, "rss_open_kib", idle.opened().rssKib());
                field(sb, "rss_after_kib", idle.held().rssKib());
                field(sb, "kib_per_conn", decimal(rssKibPerConnection()));
                field(sb, "hook_before_kib", decimal(idle.before().hookKib()));
                field(sb, "hook_after_kib", decimal(idle.held().hookKib()));
                field(sb, "hook_kib_per_conn", decimal(hookKibPerConnection()));
            }
            case ECHO -> {}
        }
        field(sb, "errors", errors);
        field(sb, "first_error", firstError == null ? "null" : quote(firstError));
        sb.append("\"latency_us\":{");
        field(sb, "count", latency.getTotalCount());
        field(sb, "min", fixed(latency.getTotalCount() == 0 ? 0 : latency.getMinValue() / 1000.0));
        field(sb, "mean", fixed(latency.getTotalCount() == 0 ? 0 : latency.getMean() / 1000.0));
        field(sb, "p50", fixed(micros(50)));
        field(sb, "p90", fixed(micros(90)));
        field(sb, "p99", fixed(micros(99)));
        field(sb, "p99_9", fixed(micros(99.9)));
        sb.append("\"max\":").append(fixed(latency.getMaxValue() / 1000.0));
        return sb.append("}}").toString();
    }

    private static void field(StringBuilder sb, String name, Object value) {
        sb.append('"').append(name).append("\":").append(value).append(',');
    }

    private static String fixed(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** Two decimals, or null for NaN (JSON has no NaN). */
    private static String decimal(double v) {
        return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String us(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    /** A JSON string (RFC 8259 §7). */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
