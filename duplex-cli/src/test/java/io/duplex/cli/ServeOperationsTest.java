package io.duplex.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.ReconnectHint;
import io.duplex.WebSocketClient;
import io.duplex.testkit.RawClient;
import io.duplex.testkit.RecordingHandler;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code duplex serve}'s production options: --drain, handshake rates, trusted proxies. */
class ServeOperationsTest {

    @Test
    void drainClosesWith1012AndAReconnectHintBeforeStopping() throws Exception {
        RunningServe s = RunningServe.start("--echo", "--drain", "300ms");
        try (WebSocketClient client = WebSocketClient.builder().eventLoops(1).build()) {
            RecordingHandler r = new RecordingHandler();
            client.connect(s.uri("/x"), r).get(10, TimeUnit.SECONDS);
            Cli.Result result = s.stop();
            RecordingHandler.Closed closed = r.awaitClose();
            assertThat(closed.code()).isEqualTo(1012);
            assertThat(ReconnectHint.parse(closed.reason())).isNotNull();
            assertThat(result.exit()).isEqualTo(ExitCode.OK);
            assertThat(result.err()).contains("draining over 300 ms");
        }
    }

    @Test
    void handshakeRatePerAddressAndTrustedProxies() throws Exception {
        RunningServe s = RunningServe.start(
                "--echo", "--quiet", "--trusted-proxy", "127.0.0.1", "--handshake-rate-per-address", "0.1:1");
        try {
            try (RawClient raw = RawClient.connect(s.server().port())) {
                assertThat(raw.upgrade("/x", "X-Forwarded-For: 192.0.2.1")).startsWith("HTTP/1.1 101 ");
            }
            try (RawClient raw = RawClient.connect(s.server().port())) {
                assertThat(raw.upgrade("/x", "X-Forwarded-For: 192.0.2.1"))
                        .startsWith("HTTP/1.1 429 ")
                        .contains("Retry-After: 10");
            }
            try (RawClient raw = RawClient.connect(s.server().port())) {
                assertThat(raw.upgrade("/x", "X-Forwarded-For: 192.0.2.2")).startsWith("HTTP/1.1 101 ");
            }
        } finally {
            s.stop();
        }
    }

    @Test
    void badValuesAreUsageErrors() {
        String[][] bad = {
            {"serve", "--drain", "ten"},
            {"serve", "--drain", "5h"},
            {"serve", "--handshake-rate", "-1"},
            {"serve", "--handshake-rate-per-address", "5:x"},
            {"serve", "--trusted-proxy", "example.com"},
            {"serve", "--proxy-protocol-from", "10.0.0.0/33"},
        };
        for (String[] args : bad) {
            Cli.Result result = Cli.run("", args);
            assertThat(result.exit()).as(String.join(" ", args)).isEqualTo(ExitCode.USAGE);
        }
    }
}
