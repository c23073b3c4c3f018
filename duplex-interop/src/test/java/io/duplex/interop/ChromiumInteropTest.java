package io.duplex.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Duplex server × Chromium's {@code WebSocket}: a page served by the Duplex server itself ({@code
 * src/test/resources/interop-page}) opens WebSockets to the same server, runs the scenarios,
 * writes the results into the DOM; {@code chromium-page.js} (playwright-core driving Debian's
 * {@code /usr/bin/chromium}) reads them back and saves a screenshot to {@code
 * target/screenshots/}.
 *
 * <p>One browser start visits the page three times — over http (every plain scenario), https
 * (wss) and from the server allowing context takeover — so each test reads its row from those. For wss, Chromium trusts exactly the test
 * certificate's key ({@code --ignore-certificate-errors-spki-list}, honoured only with a custom
 * profile directory): the only peer given an exception to certificate checks, and a narrow one.
 */
class ChromiumInteropTest extends DuplexServerInteropTest {
    private final Map<String, ClientReport> visits = new HashMap<>();

    @Override
    Peer peer() {
        return Peer.CHROMIUM;
    }

    @Override
    Map<String, String> notApplicable() {
        String noFragments = "the browser WebSocket API cannot send a fragmented message";
        return Map.of(
                "deflate-small-window",
                "the browser's permessage-deflate offer cannot be changed",
                "ping",
                "the browser WebSocket API cannot send a ping",
                "fragmented-text",
                noFragments,
                "fragmented-binary",
                noFragments);
    }

    @Override
    synchronized ClientReport run(String scenario, URI url) {
        if (visits.isEmpty()) {
            visitPages();
        }
        ClientReport report = visits.get(url.getScheme() + ":" + scenario);
        assertThat(report)
                .as("the page's report for %s over %s", scenario, url.getScheme())
                .isNotNull();
        return report;
    }

    /**
     * One browser, three visits: the page over http (every plain scenario), over https (the wss
     * scenario) and from the server allowing context takeover; each visit's reports are kept under
     * {@code ws:} or {@code wss:} and the scenario.
     */
    private void visitPages() {
        URI page = URI.create("http://" + server.ws().getRawAuthority() + "/index.html");
        URI securePage = URI.create("https://" + server.wss().getRawAuthority() + "/index.html?run=tls");
        URI takeoverPage = URI.create(
                "http://" + server.wsWithContextTakeover().getRawAuthority() + "/index.html?run=context-takeover");
        Path shots = Peers.buildDir().resolve("screenshots");
        List<String> command = List.of(
                Peers.node().orElseThrow().toString(),
                "chromium-page.js",
                "--trust-spki",
                TestCertificate.get().spkiSha256(),
                page.toString(),
                shots.resolve("chromium-ws.png").toString(),
                securePage.toString(),
                shots.resolve("chromium-wss.png").toString(),
                takeoverPage.toString(),
                shots.resolve("chromium-context-takeover.png").toString());
        try (PeerProcess process = PeerProcess.start("chromium", command, Peers.nodeDir())) {
            if (!process.awaitExit(Duration.ofSeconds(120))) {
                throw new AssertionError("chromium-page.js (PID " + process.pid()
                        + ") did not finish in 120 s\nstderr: " + process.stderr());
            }
            String line = process.lines().stream()
                    .filter(l -> l.startsWith("{"))
                    .reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("chromium-page.js printed no result (exit "
                            + process.exitValue() + ")\nstderr: " + process.stderr()));
            Map<String, Object> result = Json.object(line);
            assertThat((String) result.get("userAgent")).contains("Chrome/");
            for (Object v : (List<?>) result.get("visits")) {
                Map<?, ?> visit = (Map<?, ?>) v;
                String scheme = ((String) visit.get("url")).startsWith("https:") ? "wss" : "ws";
                for (Object r : (List<?>) visit.get("reports")) {
                    @SuppressWarnings("unchecked")
                    ClientReport report = ClientReport.fromJson((Map<String, Object>) r);
                    visits.put(scheme + ":" + report.scenario(), report);
                }
            }
        }
        assertThat(shots.resolve("chromium-ws.png")).isRegularFile();
        assertThat(shots.resolve("chromium-wss.png")).isRegularFile();
        assertThat(shots.resolve("chromium-context-takeover.png")).isRegularFile();
    }

    @Test
    void permessageDeflate() {
        deflateScenario();
    }
}
