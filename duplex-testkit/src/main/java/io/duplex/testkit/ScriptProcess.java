package io.duplex.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child process that talks in lines: its stdout lines are queued (and read with a timeout), its
 * stdin takes answers, its stderr goes to a log file. {@link #close()} ends it and everything it
 * started (Chromium), by PID: TERM, then KILL after 5 s.
 *
 * <p>Threading: {@link #nextLine} and {@link #tell} from the test thread; a daemon thread reads
 * stdout.
 */
public final class ScriptProcess implements AutoCloseable {
    private static final String EOF = "\u0000eof";

    private final Process process;
    private final Path log;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ScriptProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        Thread reader = new Thread(this::readStdout, "script-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    public static ScriptProcess start(List<String> command, Path directory, Path log) {
        try {
            Files.createDirectories(log.getParent());
            Process p = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectError(log.toFile())
                    .start();
            return new ScriptProcess(p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    public long pid() {
        return process.pid();
    }

    private void readStdout() {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            // the process went away; what was read stays
        } finally {
            lines.add(EOF);
        }
    }

    /** The next stdout line, or {@code null} when the process ended or {@code timeout} passed. */
    public String nextLine(Duration timeout) throws InterruptedException {
        String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == EOF) {
            lines.add(EOF);
            return null;
        }
        return line;
    }

    /** Writes one line to the process's stdin. */
    public void tell(String line) {
        try {
            OutputStream out = process.getOutputStream();
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to PID " + pid(), e);
        }
    }

    /** The end of the stderr log, for failure messages. */
    public String stderr() {
        try {
            String all = Files.readString(log, StandardCharsets.UTF_8);
            return all.length() > 6000 ? "…" + all.substring(all.length() - 6000) : all;
        } catch (IOException e) {
            return "(no stderr: " + e + ")";
        }
    }

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
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
