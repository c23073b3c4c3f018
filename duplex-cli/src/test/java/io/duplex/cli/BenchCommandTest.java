package io.duplex.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import io.duplex.testkit.Await;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code duplex bench} in-process against {@code duplex serve} on 127.0.0.1: short runs whose
 * figures must be non-zero and consistent with each other.
 */
class BenchCommandTest {
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : resources) {
            c.close();
        }
    }

    RunningServe serve(String... options) throws Exception {
        RunningServe s = RunningServe.start(options);
        resources.add(s::stop);
        return s;
    }

    static Map<String, Object> json(Cli.Result r) {
        assertThat(r.exit()).as(r.err() + r.out()).isEqualTo(ExitCode.OK);
        return Json.object(r.out().strip());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> latency(Map<String, Object> result) {
        return (Map<String, Object>) result.get("latency_us");
    }

    static double num(Map<String, Object> m, String key) {
        return (Double) m.get(key);
    }

    /** Counted events = histogram samples; rate = count / window; percentiles ordered. */
    static void assertConsistent(Map<String, Object> result) {
        Map<String, Object> latency = latency(result);
        double count = num(result, "messages");
        assertThat(count).isPositive();
        assertThat(num(latency, "count")).isEqualTo(count);
        // Both printed rounded: msgs_per_s to 0.1 (±0.05), duration_s to 1 µs (±0.5 µs, which
        // moves count / duration by rate × 0.5 µs / duration: 0.11 msgs/s for a 10 ms window).
        double duration = num(result, "duration_s");
        double rate = count / duration;
        assertThat(num(result, "msgs_per_s")).isCloseTo(rate, within(0.05 + rate * 0.5e-6 / duration + 1e-9));
        assertThat(num(latency, "p50")).isPositive();
        assertThat(num(latency, "min")).isLessThanOrEqualTo(num(latency, "p50"));
        assertThat(num(latency, "p50")).isLessThanOrEqualTo(num(latency, "p90"));
        assertThat(num(latency, "p90")).isLessThanOrEqualTo(num(latency, "p99"));
        assertThat(num(latency, "p99")).isLessThanOrEqualTo(num(latency, "p99_9"));
        // The histogram keeps 3 significant digits: a percentile may round above the exact max.
        assertThat(num(latency, "p99_9")).isLessThanOrEqualTo(num(latency, "max") * 1.001 + 0.1);
        assertThat(num(result, "errors")).isZero();
        assertThat(result.get("first_error")).isNull();
    }

    @Test
    void echoClosedLoopFiguresAreConsistent() throws Exception {
        RunningServe s = serve("--echo", "--quiet");
        Cli.Result r = Cli.run(
                "",
                "bench",
                s.uri("/").toString(),
                "--connections",
                "4",
                "--pipeline",
                "4",
                "--duration",
                "1",
                "--warmup",
                "0.2",
                "--event-loops",
                "2",
                "--json");
        Map<String, Object> result = json(r);
        assertConsistent(result);
        assertThat(result)
                .containsEntry("mode", "echo")
                .containsEntry("connections", 4.0)
                .containsEntry("opened", 4.0)
                .containsEntry("pipeline", 4.0)
                .containsEntry("size", 32.0)
                .containsEntry("binary", false)
                .containsEntry("rate", null)
                .containsEntry("event_loops", 2.0);
        assertThat(num(result, "duration_s")).isEqualTo(1.0);
        assertThat(num(result, "client_cpu")).isPositive(); // this process's cores over the window
        assertThat(num(result, "mb_per_s")).isCloseTo(num(result, "msgs_per_s") * 32 / 1e6, within(0.11));
        assertThat(r.err()).isEmpty(); // no progress line when stderr is not a terminal
    }

    @Test
    void binaryEchoWithVerificationAndTheSummaryForPeople() throws Exception {
        RunningServe s = serve("--echo", "--quiet");
        Cli.Result r = Cli.run(
                "",
                "bench",
                s.uri("/").toString(),
                "-c",
                "2",
                "-p",
                "2",
                "-s",
                "64k",
                "--binary",
                "--verify",
                "-d",
                "0.5",
                "-w",
                "0",
                "--progress");
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out())
                .contains("duplex bench echo " + s.uri("/")
                        + ": 2 connections × 2 in flight, 65536 B binary, closed loop")
                .containsPattern("echoes +[0-9,]+ +[0-9,]+ echoes/s +[0-9.]+ MB/s")
                .contains("errors      0")
                .containsPattern(
                        "latency µs +p50 [0-9.,]+ +p90 [0-9.,]+ +p99 [0-9.,]+ +p99\\.9 [0-9.,]+ +max [0-9.,]+");
        assertThat(r.err()).contains("measuring"); // --progress: one line per second even in a pipe
    }

    @Test
    void openLoopSendsAtTheRateAndTimesFromTheIntendedSend() throws Exception {
        RunningServe s = serve("--echo", "--quiet");
        Map<String, Object> result = json(Cli.run(
                "", "bench", s.uri("/").toString(), "-c", "4", "--rate", "2000", "-d", "1", "-w", "0.2", "--json"));
        assertConsistent(result);
        assertThat(result).containsEntry("rate", 2000.0).containsEntry("pipeline", null);
        // Open loop: what is sent does not depend on how fast it comes back.
        assertThat(num(result, "msgs_per_s")).isBetween(1000.0, 2200.0);
    }

    @Test
    void connectModeCountsHandshakes() throws Exception {
        RunningServe s = serve("--echo", "--quiet");
        Map<String, Object> result = json(Cli.run(
                "", "bench", s.uri("/").toString(), "--mode", "connect", "-c", "4", "-d", "1", "-w", "0", "--json"));
        assertConsistent(result);
        assertThat(result).containsEntry("mode", "connect");
        assertThat(result.get("handshakes")).isEqualTo(result.get("messages"));
        assertThat(num(result, "handshakes_per_s")).isPositive();
    }

    @Test
    void broadcastModeCountsDeliveriesToEveryMember() throws Exception {
        RunningServe s = serve("--echo", "--quiet");
        // The URL has no path: broadcast uses /bcast.
        Map<String, Object> result = json(Cli.run(
                "",
                "bench",
                "ws://127.0.0.1:" + s.server().port(),
                "--mode",
                "broadcast",
                "-c",
                "5",
                "-p",
                "2",
                "-d",
                "1",
                "-w",
                "0.2",
                "--json"));
        assertConsistent(result);
        assertThat(result).containsEntry("url", "ws://127.0.0.1:" + s.server().port() + "/bcast");
        double publishes = num(result, "publishes");
        double deliveries = num(result, "deliveries");
        assertThat(publishes).isPositive();
        // Each publish reaches all 5 members; the window's edges cut a few off either way.
        assertThat(deliveries).isCloseTo(5 * publishes, within(5 * 2 * 2 + 0.05 * deliveries));
    }

    @Test
    void severalUrlsShareTheConnectionsRoundRobin() throws Exception {
        // Two servers that do not share their topics: only the members on the publisher's own
        // server (connections 0, 2, 4 of 6) receive its broadcasts.
        RunningServe a = serve("--echo", "--quiet");
        RunningServe b = serve("--echo", "--quiet");
        Map<String, Object> result = json(Cli.run(
                "",
                "bench",
                a.uri("/bcast").toString(),
                b.uri("/bcast").toString(),
                "--mode",
                "broadcast",
                "-c",
                "6",
                "-p",
                "2",
                "-d",
                "1",
                "-w",
                "0.2",
                "--json"));
        assertConsistent(result);
        assertThat(result)
                .containsEntry("url", a.uri("/bcast").toString())
                .containsEntry(
                        "urls",
                        List.of(a.uri("/bcast").toString(), b.uri("/bcast").toString()))
                .containsEntry("opened", 6.0);
        double publishes = num(result, "publishes");
        assertThat(publishes).isPositive();
        assertThat(num(result, "deliveries")).isCloseTo(3 * publishes, within(3 * 2 * 2 + 0.05 * 3 * publishes));
    }

    @Test
    void idleModeHoldsConnectionsAndReadsTheServersFootprint() throws Exception {
        RunningServe s = serve("--echo", "--quiet");
        // The server runs in this JVM, so its RSS is this process's.
        String pid = Long.toString(ProcessHandle.current().pid());
        Map<String, Object> result = json(Cli.run(
                "",
                "bench",
                s.uri("/").toString(),
                "--mode",
                "idle",
                "-c",
                "20",
                "--hold",
                "0.3",
                "--compress",
                "--touch",
                "--size",
                "2k",
                "--pid",
                pid,
                "--hook",
                "echo used 1234K",
                "--json"));
        assertConsistent(result);
        assertThat(result)
                .containsEntry("mode", "idle")
                .containsEntry("opened", 20.0)
                .containsEntry("handshakes", 20.0)
                .containsEntry("open_after_hold", 20.0)
                .containsEntry("touched", true)
                .containsEntry("hold_s", 0.3)
                .containsEntry("hook_before_kib", 1234.0)
                .containsEntry("hook_after_kib", 1234.0)
                .containsEntry("hook_kib_per_conn", 0.0)
                // The default: compressed both ways, no codec kept between messages.
                .containsEntry(
                        "extensions",
                        Map.of("permessage-deflate; server_no_context_takeover; client_no_context_takeover", 20.0));
        assertThat(num(result, "rss_before_kib")).isPositive();
        assertThat(num(result, "rss_open_kib")).isPositive();
        assertThat(num(result, "rss_after_kib")).isPositive();
        assertThat(num(result, "kib_per_conn"))
                .isCloseTo((num(result, "rss_after_kib") - num(result, "rss_before_kib")) / 20, within(0.01));
        // Closed with 1000 at the end; the server lets go of each as its close handshake ends.
        Await.eventually("every connection let go", () -> s.server().connectionCount() == 0);
    }

    @Test
    void idleModeShowsTheContextTakeoverBudgetAtWork() throws Exception {
        RunningServe s = serve("--echo", "--quiet", "--context-takeover", "2");
        Cli.Result r = Cli.run(
                "",
                "bench",
                s.uri("/").toString(),
                "--mode",
                "idle",
                "-c",
                "5",
                "--hold",
                "0",
                "--compress",
                "--context-takeover",
                "--touch",
                "--size",
                "2k");
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.OK);
        // Two connections fit the budget and keep context; the others negotiate without it.
        assertThat(r.out())
                .contains("5 connections held 0.0 s after one 2048 B message each")
                .contains("5 of 5 still open after the hold")
                .contains("2 × permessage-deflate\n".translateEscapes())
                .contains("3 × permessage-deflate; server_no_context_takeover; client_no_context_takeover")
                .doesNotContain("server RSS");
    }

    @Test
    void idleModeSaysWhatWentWrong() throws Exception {
        RunningServe s = serve("--quiet"); // no --echo
        Cli.Result r = Cli.run(
                "",
                "bench",
                s.uri("/").toString(),
                "--mode",
                "idle",
                "-c",
                "3",
                "--hold",
                "0",
                "--touch",
                "--timeout",
                "0.5",
                "--hook",
                "exit 3",
                "--json");
        assertThat(r.exit()).isEqualTo(ExitCode.FAILURE);
        Map<String, Object> result = Json.object(r.out().strip());
        assertThat(result).containsEntry("hook_before_kib", null).containsEntry("hook_kib_per_conn", null);
        assertThat((String) result.get("first_error")).isEqualTo("--hook exited with 3 and printed no number");
        // The hook failed twice, and the server echoed none of the three --touch messages.
        assertThat(num(result, "errors")).isEqualTo(3.0);
    }

    @Test
    void echoesThatComeBackWrongAreErrors() {
        WebSocketServer bad = WebSocketServer.builder()
                .host("127.0.0.1")
                .port(0)
                .eventLoops(1)
                .route("*", WebSocketHandler.onText((WebSocket ws, String text) -> ws.send(text.substring(1))))
                .start();
        resources.add(() -> bad.stop(Duration.ofSeconds(2)));
        Cli.Result r =
                Cli.run("", "bench", "ws://127.0.0.1:" + bad.port() + "/", "-c", "1", "-d", "0.3", "-w", "0", "--json");
        assertThat(r.exit()).isEqualTo(ExitCode.FAILURE);
        Map<String, Object> result = Json.object(r.out().strip());
        assertThat(num(result, "errors")).isPositive();
        assertThat((String) result.get("first_error")).contains("not what was sent");
    }

    @Test
    void aServerThatDoesNotEchoMeasuresNothingAndFails() throws Exception {
        RunningServe s = serve("--quiet");
        Cli.Result r = Cli.run("", "bench", s.uri("/").toString(), "-c", "1", "-d", "0.3", "-w", "0");
        assertThat(r.exit()).isEqualTo(ExitCode.FAILURE);
        assertThat(r.err()).contains("no echoes in the measurement window").contains("--echo");
    }

    @Test
    void refusedConnectionsSaySoAndExitOne() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        for (String mode : List.of("echo", "connect", "broadcast")) {
            Cli.Result r = Cli.run("", "bench", "ws://127.0.0.1:" + port + "/", "--mode", mode, "-c", "2", "-d", "1");
            assertThat(r.exit()).as(mode).isEqualTo(ExitCode.FAILURE);
            assertThat(r.err()).as(mode).contains("connection refused").contains("127.0.0.1:" + port);
            assertThat(r.out()).as(mode).isEmpty();
        }
    }

    @Test
    void optionMistakesAreUsageErrors() {
        ServeCommandTest.assertUsage("ws:// or wss://", "bench", "http://127.0.0.1:1/");
        ServeCommandTest.assertUsage("--size must be between 16 (text", "bench", "ws://h/", "--size", "8");
        ServeCommandTest.assertUsage("--size must be between 8 (binary", "bench", "ws://h/", "--size", "4", "--binary");
        ServeCommandTest.assertUsage("--rate must be", "bench", "ws://h/", "--rate", "0");
        ServeCommandTest.assertUsage(
                "--rate applies to echo and broadcast", "bench", "ws://h/", "--mode", "connect", "--rate", "5");
        ServeCommandTest.assertUsage("--connections must be", "bench", "ws://h/", "-c", "0");
        ServeCommandTest.assertUsage("--pipeline must be", "bench", "ws://h/", "-p", "0");
        ServeCommandTest.assertUsage("--duration must be", "bench", "ws://h/", "-d", "0");
        ServeCommandTest.assertUsage("Invalid value for option '--mode'", "bench", "ws://h/", "--mode", "storm");
        ServeCommandTest.assertUsage("--touch, --pid and --hook apply to --mode idle", "bench", "ws://h/", "--touch");
        ServeCommandTest.assertUsage("--hold must be", "bench", "ws://h/", "--mode", "idle", "--hold", "-1");
        ServeCommandTest.assertUsage(
                "--pid: cannot read the resident set size from /proc/0/status",
                "bench",
                "ws://h/",
                "--mode",
                "idle",
                "--pid",
                "0");
        ServeCommandTest.assertUsage("--context-takeover needs --compress", "bench", "ws://h/", "--context-takeover");
        ServeCommandTest.assertUsage(
                "--rate applies to echo and broadcast, not to idle",
                "bench",
                "ws://h/",
                "--mode",
                "idle",
                "--rate",
                "5");
        ServeCommandTest.assertUsage("ws:// or wss://", "bench", "ws://h/", "http://h/");
        ServeCommandTest.assertUsage(
                "--context-takeover needs compression", "serve", "--no-compress", "--context-takeover");
    }
}
