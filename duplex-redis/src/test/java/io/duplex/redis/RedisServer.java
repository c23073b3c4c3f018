package io.duplex.redis;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.duplex.testkit.Await;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} of the test's own on a free loopback port, without persistence
 * unless started with {@link #startWithAof}. Missing binary: the test is skipped, except under
 * {@code CI=true} where it fails. Stopped by its process handle only (never by name); a shutdown
 * hook covers a JVM that dies early. Published in duplex-redis's test-jar for other modules' tests
 * (on their class path).
 *
 * <p>Threading: one test thread at a time.
 */
public final class RedisServer implements AutoCloseable {
    private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    public final int port;
    private final Path executable;
    private final List<String> extraArgs;
    private final Path log;
    private final String password;
    private Process process;
    private Path aofDir; // set by startWithAof only

    private RedisServer(Path executable, int port, String password, List<String> extraArgs) throws IOException {
        this.executable = executable;
        this.port = port;
        this.password = password;
        this.extraArgs = extraArgs;
        this.log = Files.createTempFile("redis-" + port + "-", ".log");
        log.toFile().deleteOnExit();
    }

    /** Starts a server; {@code password} (may be null) is the one {@link #command} uses to AUTH. */
    public static RedisServer start(String password, String... extraArgs) throws IOException {
        Path exe = executable();
        for (int attempt = 0; ; attempt++) {
            RedisServer server = new RedisServer(exe, freePort(), password, List.of(extraArgs));
            try {
                server.launch();
                return server;
            } catch (IllegalStateException e) {
                server.close();
                if (attempt == 2) {
                    throw e;
                }
            }
        }
    }

    /**
     * Starts a server that keeps an append-only file in {@code dir}, written through on every
     * command ({@code appendfsync always}), so that {@link #restart restart(true)} brings back every
     * key it acknowledged.
     */
    public static RedisServer startWithAof(Path dir) throws IOException {
        RedisServer server = start(null, "--appendonly", "yes", "--appendfsync", "always", "--dir", dir.toString());
        server.aofDir = dir;
        return server;
    }

    /**
     * Kills the process (as a crash would) and starts it again on the same port. With {@code
     * keepData} false the append-only files are deleted first: a restart without persistence, every
     * key gone.
     */
    public void restart(boolean keepData) throws IOException, InterruptedException {
        kill();
        if (!keepData && aofDir != null) {
            try (Stream<Path> files = Files.walk(aofDir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    if (!f.equals(aofDir)) {
                        Files.delete(f);
                    }
                }
            }
        }
        launch();
    }

    /** Whether the process is running (started and not killed). */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    public static Path executable() {
        Stream<String> dirs = Stream.concat(
                Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)),
                Stream.of("/usr/bin", "/usr/local/bin", "/usr/sbin", "/opt/homebrew/bin"));
        Path found = dirs.filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, "redis-server"))
                .filter(Files::isExecutable)
                .findFirst()
                .orElse(null);
        if (found == null) {
            String reason = "redis-server is not installed (Debian: apt-get install redis-server)";
            if ("true".equals(System.getenv("CI"))) {
                fail(reason + "; CI must run these tests");
            }
            assumeTrue(false, reason);
        }
        return found;
    }

    /** Starts the process again on the same port (after {@link #kill}). */
    public void launch() {
        List<String> cmd = new ArrayList<>(List.of(
                executable.toString(),
                "--port",
                String.valueOf(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no"));
        cmd.addAll(extraArgs);
        try {
            process = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process p = process;
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        awaitAnswer();
    }

    /** Kills the process at once (SIGKILL), as a crash would. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new AssertionError("redis-server did not die");
            }
            process = null;
        }
    }

    /** Sends SIGSTOP / SIGCONT to our process: it keeps its sockets and stops answering. */
    void freeze(boolean frozen) throws IOException, InterruptedException {
        Process signal = new ProcessBuilder("kill", frozen ? "-STOP" : "-CONT", String.valueOf(process.pid()))
                .inheritIO()
                .start();
        if (!signal.waitFor(5, TimeUnit.SECONDS) || signal.exitValue() != 0) {
            throw new AssertionError("could not signal redis-server");
        }
    }

    /** Runs one command and returns the reply: String, Long, List (arrays), null, or throws on error. */
    public Object command(String... args) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream());
            if (password != null) {
                write(out, "AUTH", password);
                read(in);
            }
            write(out, args);
            return read(in);
        }
    }

    @SuppressWarnings("unchecked")
    List<String> channels(String pattern) throws IOException {
        return ((List<Object>) command("PUBSUB", "CHANNELS", pattern))
                .stream().map(String::valueOf).sorted().toList();
    }

    /** Subscriber connections of a channel (one per node that has local subscribers). */
    public long numsub(String channel) {
        try {
            List<?> reply = (List<?>) command("PUBSUB", "NUMSUB", channel);
            return (Long) reply.get(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        try {
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitAnswer() {
        try {
            Await.eventually("redis-server answers PING", Duration.ofNanos(START_TIMEOUT_NANOS), this::answersPing);
        } catch (AssertionError notInTime) {
            process.destroyForcibly();
            throw new IllegalStateException("redis-server did not answer PING within 10 s: " + tail(), notInTime);
        }
    }

    /** Whether the server answers PING and takes commands; throws if the process is gone. */
    private boolean answersPing() {
        if (!process.isAlive()) {
            throw new IllegalStateException("redis-server exited: " + tail());
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(1000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            StringBuilder line = new StringBuilder();
            for (int c = s.getInputStream().read();
                    c >= 0 && c != '\r' && line.length() < 64;
                    c = s.getInputStream().read()) {
                line.append((char) c);
            }
            String answer = line.toString();
            // +PONG, or -NOAUTH: up either way; but -LOADING (an append-only file being read
            // back after a restart) refuses commands still, so a client connecting now would
            // fail its first ones (seen in StreamEngineTest under load).
            return answer.startsWith("+") || (answer.startsWith("-") && !answer.startsWith("-LOADING"));
        } catch (IOException notYet) {
            return false; // not listening yet
        }
    }

    private String tail() {
        try {
            String s = log();
            return s.substring(Math.max(0, s.length() - 600));
        } catch (IOException e) {
            return e.toString();
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    private static void write(OutputStream out, String... args) throws IOException {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            sb.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
        }
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static Object read(InputStream in) throws IOException {
        int type = in.read();
        String line = line(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new IOException("Redis error: " + line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                byte[] b = in.readNBytes(n + 2);
                return new String(b, 0, n, StandardCharsets.UTF_8);
            }
            case '*': {
                int n = Integer.parseInt(line);
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    items.add(read(in));
                }
                return items;
            }
            default:
                throw new IOException("unexpected reply type " + type);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            sb.append((char) c);
        }
        in.read(); // '\n'
        return sb.toString();
    }
}
