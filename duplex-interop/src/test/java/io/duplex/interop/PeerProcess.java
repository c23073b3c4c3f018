package io.duplex.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A peer running as a child process: its stdout is collected line by line (the peers speak JSON
 * lines) and kept in {@code target/peer-logs/NAME.out}, its stderr goes to {@code
 * target/peer-logs/NAME.log}. Every wait is bounded; {@link
 * #close()} stops the process and anything it started, by PID, and waits for them (bounded).
 *
 * <p>Threading: safe from any thread; the collected lines are guarded by {@code lines}.
 */
final class PeerProcess implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PeerProcess.class.getName());

    private final String name;
    private final Process process;
    private final Path log;
    private final Path out;
    private final Thread reader;
    private final List<String> lines = new ArrayList<>();

    private PeerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.out = log.resolveSibling(log.getFileName().toString().replaceFirst("\\.log$", ".out"));
        this.reader = new Thread(this::readStdout, "peer-stdout-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code command} in {@code directory}. */
    static PeerProcess start(String name, List<String> command, Path directory) {
        try {
            Path logs = Files.createDirectories(Peers.buildDir().resolve("peer-logs"));
            Path log = logs.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".log");
            ProcessBuilder builder =
                    new ProcessBuilder(command).directory(directory.toFile()).redirectError(log.toFile());
            builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
            builder.environment().put("PYTHONIOENCODING", "utf-8");
            Process process = builder.start();
            process.getOutputStream().close();
            LOG.log(System.Logger.Level.DEBUG, "started {0} as PID {1}: {2}", name, process.pid(), command);
            return new PeerProcess(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    long pid() {
        return process.pid();
    }

    private void readStdout() {
        try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                Writer copy = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                copy.write(line);
                copy.write('\n');
                copy.flush();
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process went away; what was read stays
        } finally {
            synchronized (lines) {
                lines.notifyAll();
            }
        }
    }

    /** The first stdout line (from the start) that matches, waiting up to {@code timeout}. */
    String awaitLine(Predicate<String> matches, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int scanned = 0;
        synchronized (lines) {
            while (true) {
                for (; scanned < lines.size(); scanned++) {
                    if (matches.test(lines.get(scanned))) {
                        return lines.get(scanned);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!reader.isAlive() && !process.isAlive())) {
                    throw new AssertionError(name + " (PID " + pid() + ") printed no expected line within " + timeout
                            + (process.isAlive() ? "" : ", it exited with " + process.exitValue())
                            + "\nstdout (last 20 lines): " + lines.subList(Math.max(0, lines.size() - 20), lines.size())
                            + "\nstderr: " + stderr());
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lines, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
        }
    }

    /** Waits up to {@code timeout} for the process to exit and its stdout to be read. */
    boolean awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return false;
            }
            reader.join(5_000);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    int exitValue() {
        return process.exitValue();
    }

    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The last few KiB of stderr, for failure messages. */
    String stderr() {
        try {
            String all = Files.readString(log, StandardCharsets.UTF_8);
            return all.length() > 4000 ? "…" + all.substring(all.length() - 4000) : all;
        } catch (IOException e) {
            return "(no stderr: " + e + ")";
        }
    }

    /** Stops the process and its descendants (by PID): TERM, up to 5 s, then KILL, up to 5 s. */
    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            for (ProcessHandle child : children) {
                if (child.isAlive()) {
                    child.destroyForcibly();
                    child.onExit().get(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "could not stop {0} (PID {1}): {2}", name, pid(), e.toString());
        }
    }
}
