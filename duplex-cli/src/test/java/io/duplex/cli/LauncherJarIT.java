package io.duplex.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real fat jar ({@code target/duplex-cli.jar}, the one {@code ./duplex} runs) as separate
 * processes: {@code serve --port 0} reports its port, {@code connect} pipes through it. Runs in
 * the {@code integration-test} phase, after {@code package} built the jar.
 */
class LauncherJarIT {
    static final Pattern LISTENING = Pattern.compile("listening on ws://127\\.0\\.0\\.1:(\\d+)");
    static Path jar;

    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void findJar() {
        jar = Path.of(System.getProperty("duplex.cli.jar", "target/duplex-cli.jar"));
        assertThat(jar).as("the shaded jar (run `mvn package`)").exists();
    }

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                jar.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        processes.add(p);
        return p;
    }

    /** Collects a stream's lines on a daemon thread, so a full pipe never blocks the process. */
    static LinkedBlockingQueue<String> lines(InputStream in) {
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("<read failed: " + e + ">");
            }
        });
        t.setDaemon(true);
        t.start();
        return lines;
    }

    static String awaitLine(LinkedBlockingQueue<String> lines, Pattern pattern, List<String> seen)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null) {
                break;
            }
            seen.add(line);
            if (pattern.matcher(line).find()) {
                return line;
            }
        }
        throw new AssertionError("no line matching " + pattern + " within 30 s; saw " + seen);
    }

    static String readAll(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
                    try {
                        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        return "<read failed: " + e + ">";
                    }
                })
                .orTimeout(60, TimeUnit.SECONDS)
                .join();
    }

    @Test
    void connectPipesLinesThroughServeEchoAndServeStopsOnSigterm() throws Exception {
        Process serve = start("serve", "--port", "0", "--host", "127.0.0.1", "--echo", "--event-loops", "1");
        LinkedBlockingQueue<String> serveErr = lines(serve.getErrorStream());
        LinkedBlockingQueue<String> serveOut = lines(serve.getInputStream());
        List<String> seen = new ArrayList<>();
        Matcher m = LISTENING.matcher(awaitLine(serveErr, LISTENING, seen));
        assertThat(m.find()).isTrue();
        int port = Integer.parseInt(m.group(1));
        assertThat(port).isPositive();
        awaitLine(serveOut, Pattern.compile("^READY duplex port=" + port + " "), new ArrayList<>());

        Process connect = start("connect", "ws://127.0.0.1:" + port + "/jar");
        try (OutputStream stdin = connect.getOutputStream()) {
            stdin.write("first line\nsecond: ✓\n".getBytes(StandardCharsets.UTF_8));
        } // EOF: the client closes with 1000
        String out = readAll(connect.getInputStream());
        String err = readAll(connect.getErrorStream());
        assertThat(connect.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(connect.exitValue()).as(err).isEqualTo(ExitCode.OK);
        assertThat(out).isEqualTo("first line\nsecond: ✓\n");

        awaitLine(serveErr, Pattern.compile("^close 127\\.0\\.0\\.1:\\d+ /jar 1000 clean$"), seen);
        // SIGTERM: the shutdown hook stops the server gracefully. (Process.destroy() would also
        // close our end of its stderr; the handle only sends the signal.)
        assertThat(serve.toHandle().destroy()).isTrue();
        assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
        awaitLine(serveErr, Pattern.compile("^stopped$"), seen);
        // A graceful stop is a success: 0, not the 143 of a signalled JVM.
        assertThat(serve.exitValue()).isEqualTo(ExitCode.OK);
    }

    /** Jackson and duplex-topics are shaded into the jar: streams work from the jar alone. */
    @Test
    void topicsServeFromTheJar() throws Exception {
        Process serve =
                start("serve", "--port", "0", "--host", "127.0.0.1", "--topics", "--quiet", "--history", "t=10/1m");
        LinkedBlockingQueue<String> serveOut = lines(serve.getInputStream());
        Matcher m = Pattern.compile("^READY duplex port=(\\d+) ")
                .matcher(awaitLine(serveOut, Pattern.compile("^READY duplex port="), new ArrayList<>()));
        assertThat(m.find()).isTrue();
        Process connect = start(
                "connect",
                "-x",
                "{\"type\":\"publish\",\"id\":1,\"topic\":\"t\",\"data\":\"hi\"}",
                "--wait",
                "1",
                "ws://127.0.0.1:" + m.group(1) + "/topics");
        String out = readAll(connect.getInputStream());
        assertThat(connect.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(connect.exitValue()).isEqualTo(ExitCode.OK);
        assertThat(out).startsWith("{\"type\":\"published\",\"id\":1,\"topic\":\"t\",\"position\":{");
        assertThat(serve.toHandle().destroy()).isTrue();
        assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void benchAndInspectRunFromTheJar() throws Exception {
        Process serve = start("serve", "--port", "0", "--host", "127.0.0.1", "--echo", "--quiet", "--event-loops", "1");
        LinkedBlockingQueue<String> serveOut = lines(serve.getInputStream());
        Matcher m = Pattern.compile("^READY duplex port=(\\d+) ")
                .matcher(awaitLine(serveOut, Pattern.compile("^READY duplex port="), new ArrayList<>()));
        assertThat(m.find()).isTrue();
        String url = "ws://127.0.0.1:" + m.group(1) + "/";

        // HdrHistogram is shaded into the jar: a bench run and its JSON work from the jar alone.
        Process bench = start("bench", url, "-c", "2", "-p", "2", "-d", "0.5", "-w", "0", "--json");
        String out = readAll(bench.getInputStream());
        String err = readAll(bench.getErrorStream());
        assertThat(bench.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bench.exitValue()).as(err).isEqualTo(ExitCode.OK);
        assertThat(Json.object(out.strip())).containsEntry("mode", "echo").containsEntry("errors", 0.0);

        Process inspect = start("inspect", "--listen", "0", "--upstream", url);
        LinkedBlockingQueue<String> inspectOut = lines(inspect.getInputStream());
        Matcher p = Pattern.compile("^READY duplex-inspect port=(\\d+)$")
                .matcher(awaitLine(inspectOut, Pattern.compile("^READY duplex-inspect port="), new ArrayList<>()));
        assertThat(p.find()).isTrue();
        Process connect = start("connect", "-x", "through", "--wait", "1", "ws://127.0.0.1:" + p.group(1) + "/jar");
        assertThat(readAll(connect.getInputStream())).isEqualTo("through\n");
        assertThat(connect.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(connect.exitValue()).isEqualTo(ExitCode.OK);
        awaitLine(inspectOut, Pattern.compile("client→server  TEXT .* \"through\"$"), new ArrayList<>());
        assertThat(inspect.toHandle().destroy()).isTrue();
        assertThat(inspect.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    /** {@code demo}: the chat demo from the jar alone serves its page and stops with 0 on SIGTERM. */
    @Test
    void chatDemoServesItsPageAndStopsCleanly() throws Exception {
        Process demo = start("demo", "--port", "0", "--host", "127.0.0.1");
        LinkedBlockingQueue<String> demoOut = lines(demo.getInputStream());
        Matcher m = Pattern.compile("^READY duplex-demo port=(\\d+)$")
                .matcher(awaitLine(demoOut, Pattern.compile("^READY duplex-demo port="), new ArrayList<>()));
        assertThat(m.find()).isTrue();
        HttpResponse<String> page = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Duplex chat</title>");
        assertThat(demo.toHandle().destroy()).isTrue();
        assertThat(demo.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(demo.exitValue()).isEqualTo(ExitCode.OK);
    }

    /**
     * {@code demo --socketio}: the Socket.IO chat from the jar alone (duplex-socketio, Jackson and
     * the page are in it): the page and an Engine.IO handshake on the port it reports.
     */
    @Test
    void socketIoDemoServesItsPageAndSocketIoFromTheJar() throws Exception {
        Process demo = start("demo", "--socketio", "--port", "0", "--host", "127.0.0.1");
        LinkedBlockingQueue<String> demoOut = lines(demo.getInputStream());
        LinkedBlockingQueue<String> demoErr = lines(demo.getErrorStream());
        Matcher m = Pattern.compile("^READY duplex-demo port=(\\d+)$")
                .matcher(awaitLine(demoOut, Pattern.compile("^READY duplex-demo port="), new ArrayList<>()));
        assertThat(m.find()).isTrue();
        String port = m.group(1);
        awaitLine(
                demoErr,
                Pattern.compile("^Socket\\.IO chat demo on http://localhost:" + port + "/$"),
                new ArrayList<>());
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> page = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("<title>Duplex Socket.IO chat</title>")
                .contains("src=\"https://cdn.socket.io/4.8.1/socket.io.min.js\"");
        HttpResponse<String> open = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=polling"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(open.body()).startsWith("0{\"sid\":\"");
        assertThat(demo.toHandle().destroy()).isTrue();
        assertThat(demo.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(demo.exitValue()).isEqualTo(ExitCode.OK);
    }

    @Test
    void connectionFailuresAndUsageErrorsExitWithTheirCodes() throws Exception {
        Process badUrl = start("connect", "http://x");
        String badUrlErr = readAll(badUrl.getErrorStream());
        assertThat(badUrl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(badUrl.exitValue()).isEqualTo(ExitCode.USAGE);
        assertThat(badUrlErr).contains("ws:// or wss://");

        Process badSize = start("serve", "--max-message", "64x");
        String badSizeErr = readAll(badSize.getErrorStream());
        assertThat(badSize.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(badSize.exitValue()).isEqualTo(ExitCode.USAGE);
        assertThat(badSizeErr).contains("not a size: '64x'");

        Process oneNode = start("demo", "--socketio", "--redis", "redis://127.0.0.1:1");
        String oneNodeErr = readAll(oneNode.getErrorStream());
        assertThat(oneNode.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(oneNode.exitValue()).isEqualTo(ExitCode.USAGE);
        assertThat(oneNodeErr).contains("--socketio runs on one node: it does not take --redis");

        Process version = start("--version");
        String versionOut = readAll(version.getInputStream());
        assertThat(version.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(version.exitValue()).isZero();
        assertThat(versionOut).startsWith("duplex 0.");
    }

    @Test
    void theLauncherScriptIsExecutableAndPointsAtThisJar() throws IOException {
        Path script = Path.of(System.getProperty("duplex.cli.launcher", "duplex"));
        assertThat(script).exists();
        assertThat(Files.isExecutable(script)).isTrue();
        assertThat(Files.readString(script))
                .contains("duplex-cli/target/duplex-cli.jar")
                .startsWith("#!/usr/bin/env bash");
    }
}
