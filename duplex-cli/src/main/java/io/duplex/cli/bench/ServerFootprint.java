package io.duplex.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's memory as {@code duplex bench --mode idle} reads it: the resident set size of a
 * local process ({@code --pid}, from {@code /proc/PID/status}, as wsload does) and the first number
 * a shell command prints ({@code --hook}, e.g. a full GC followed by the live heap in KiB, which
 * separates what connections keep from garbage not yet collected).
 *
 * <p>Threading: used by the thread that runs the bench only.
 */
final class ServerFootprint {
    /** How long a hook may take (a full GC of a large heap included). */
    static final long HOOK_TIMEOUT_SECONDS = 120;

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:\\.\\d+)?");
    private static final Pattern VM_RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+)\\s+kB");

    /**
     * One reading.
     *
     * @param rssKib resident set size in KiB, or -1 without {@code --pid}
     * @param hookKib the hook's number, or NaN without {@code --hook} (or when it failed)
     */
    record Reading(long rssKib, double hookKib) {
        static final Reading NONE = new Reading(-1, Double.NaN);
    }

    private final Long pid;
    private final String hook;
    private final BenchContext context;

    ServerFootprint(Long pid, String hook, BenchContext context) {
        this.pid = pid;
        this.hook = hook;
        this.context = context;
    }

    /** Whether {@code /proc/PID/status} can be read: checked before the run, not after. */
    static boolean readable(long pid) {
        return rssOf(pid) >= 0;
    }

    /** The hook first (it may collect garbage), then RSS. */
    Reading read() throws InterruptedException {
        double hooked = runHook();
        return new Reading(rss().rssKib(), hooked);
    }

    /** RSS only. */
    Reading rss() {
        return new Reading(pid == null ? -1 : rssOf(pid), Double.NaN);
    }

    private static long rssOf(long pid) {
        try {
            Matcher m = VM_RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private double runHook() throws InterruptedException {
        if (hook == null) {
            return Double.NaN;
        }
        try {
            Process p = new ProcessBuilder("sh", "-c", hook)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            p.getOutputStream().close();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(HOOK_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                context.error("--hook did not finish in " + HOOK_TIMEOUT_SECONDS + " s");
                return Double.NaN;
            }
            Matcher m = NUMBER.matcher(out);
            if (p.exitValue() != 0 || !m.find()) {
                context.error("--hook exited with " + p.exitValue() + " and printed no number");
                return Double.NaN;
            }
            double kib = Double.parseDouble(m.group());
            if (kib < 0) {
                // jvm-live-heap.sh and wsload's convention: -1 means "could not measure".
                context.error("--hook printed " + m.group() + ": it could not measure");
                return Double.NaN;
            }
            return kib;
        } catch (IOException e) {
            context.error("--hook could not run: " + e.getMessage());
            return Double.NaN;
        }
    }
}
