package io.duplex.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.interop.Recorder.Message;
import io.duplex.testkit.RecordingHandler;
import io.duplex.testkit.RecordingHandler.Closed;
import io.duplex.testkit.RecordingHandler.Open;
import io.duplex.testkit.RecordingHandler.Ping;
import io.duplex.testkit.RecordingHandler.Pong;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The "Duplex server × peer client" row of the matrix: each test is one scenario run by the
 * peer's client against {@link InteropServer}, checked on both ends — the peer's report (what it
 * received and saw) and the server's {@link Recorder} for that connection.
 *
 * <p>Subclasses say which peer and how to run one scenario with it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DuplexServerInteropTest {
    static final String CLIENT_CLOSE_REASON = "bye from client";

    InteropServer server;

    abstract Peer peer();

    /** Runs one scenario with the peer's client against {@code url} and returns its report. */
    abstract ClientReport run(String scenario, URI url);

    /** Scenarios the peer's API cannot perform, with the reason (reported as skipped). */
    Map<String, String> notApplicable() {
        return Map.of();
    }

    @BeforeAll
    void startServer() {
        if (Peers.missing(peer()).isEmpty()) {
            server = InteropServer.start();
        }
    }

    /** Per test, not per class: Surefire reports a class skipped in {@code @BeforeAll} as nothing. */
    @BeforeEach
    void requirePeer() {
        Peers.require(peer());
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    static IntStream sizes() {
        return IntStream.of(Payload.SIZES);
    }

    /** Runs the scenario on {@code server} and checks the client's own verdict. */
    ClientReport scenario(String scenario) {
        URI base =
                switch (scenario) {
                    case "tls" -> server.wss();
                    case "context-takeover" -> server.wsWithContextTakeover();
                    default -> server.ws();
                };
        String notApplicable = notApplicable().get(scenario);
        Assumptions.assumeTrue(notApplicable == null, () -> "not applicable to " + peer() + ": " + notApplicable);
        String path =
                switch (scenario) {
                    case "server-ping" -> "/ping";
                    case "close-from-server" -> "/close";
                    default -> "/echo";
                };
        URI url = base.resolve(path + "?id=" + URLEncoder.encode(scenario, StandardCharsets.UTF_8));
        ClientReport report = run(scenario, url);
        assertThat(report.error()).as("%s client error in %s", peer(), scenario).isNull();
        assertThat(report.failures())
                .as("%s client's own checks in %s", peer(), scenario)
                .isEmpty();
        assertThat(report.ok()).isTrue();
        return report;
    }

    /** Client end: exactly these messages came back. Server end: it received them. */
    void assertEchoed(String scenario, ClientReport client, Message... sent) {
        assertThat(client.received()).as("messages the client received").containsExactly(sent);
        Recorder onServer = server.connection(scenario);
        for (Message m : sent) {
            onServer.awaitMessage(m::equals);
        }
        assertThat(onServer.received().stream())
                .as("messages the server received")
                .containsExactly(sent);
    }

    /** The client closed with 1000 "done": both ends saw a clean close with 1000. */
    void assertNormalClose(String scenario, ClientReport client) {
        assertThat(client.close()).as("close as the client saw it").isNotNull();
        assertThat(client.close().code()).isEqualTo(1000);
        assertThat(client.close().clean()).isTrue();
        Closed onServer = server.connection(scenario).await(Closed.class);
        assertThat(onServer).isEqualTo(new Closed(1000, "done", true));
        assertNoErrorOnServer(scenario);
    }

    void assertNoErrorOnServer(String scenario) {
        assertThat(server.connection(scenario).events())
                .as("errors reported to the server's handler")
                .noneMatch(Recorder.Error.class::isInstance);
    }

    @ParameterizedTest(name = "text echo {0} B")
    @MethodSource("sizes")
    void textEcho(int size) {
        String scenario = "text:" + size;
        ClientReport client = scenario(scenario);
        assertEchoed(scenario, client, Message.text(Payload.text(size)));
        assertNormalClose(scenario, client);
    }

    @ParameterizedTest(name = "binary echo {0} B")
    @MethodSource("sizes")
    void binaryEcho(int size) {
        String scenario = "binary:" + size;
        ClientReport client = scenario(scenario);
        assertEchoed(scenario, client, Message.binary(Payload.binary(size)));
        assertNormalClose(scenario, client);
    }

    @Test
    void fragmentedTextFromClient() {
        ClientReport client = scenario("fragmented-text");
        assertEchoed("fragmented-text", client, Message.text(String.join("", Payload.FRAGMENTS_TEXT)));
        assertNormalClose("fragmented-text", client);
    }

    @Test
    void fragmentedBinaryFromClient() {
        ClientReport client = scenario("fragmented-binary");
        assertEchoed("fragmented-binary", client, Message.binary(Payload.binary(30)));
        assertNormalClose("fragmented-binary", client);
    }

    @Test
    void utf8Text() {
        ClientReport client = scenario("utf8");
        assertEchoed("utf8", client, Message.text(Payload.UTF8_SAMPLE));
        assertThat(client.received().get(0).text()).isEqualTo(Payload.UTF8_SAMPLE);
        assertNormalClose("utf8", client);
    }

    @Test
    void pingFromClient() {
        ClientReport client = scenario("ping");
        assertThat(client.pongs()).as("pongs the client received").containsExactly("cli-ping");
        server.connection("ping").await(Ping.class, p -> p.data().equals(RecordingHandler.bytes("cli-ping")));
        assertNormalClose("ping", client);
    }

    @Test
    void pingFromServer() {
        ClientReport client = scenario("server-ping");
        server.connection("server-ping").await(Pong.class, p -> p.data().equals(RecordingHandler.bytes("srv-ping")));
        assertThat(client.received()).containsExactly(Message.text("pong:srv-ping"));
        if (client.pings() != null) {
            assertThat(client.pings()).as("pings the client saw").containsExactly("srv-ping");
        }
        assertNormalClose("server-ping", client);
    }

    @Test
    void closeFromClient() {
        ClientReport client = scenario("close-from-client");
        Closed onServer = server.connection("close-from-client").await(Closed.class);
        assertThat(onServer).isEqualTo(new Closed(4001, CLIENT_CLOSE_REASON, true));
        assertNoErrorOnServer("close-from-client");
        // Duplex echoes the code (RFC 6455 §5.5.1) without a reason.
        assertThat(client.close()).isEqualTo(new Closed(4001, "", true));
    }

    @Test
    void closeFromServer() {
        ClientReport client = scenario("close-from-server");
        assertThat(client.close()).isEqualTo(new Closed(4001, InteropServer.CLOSE_REASON, true));
        Closed onServer = server.connection("close-from-server").await(Closed.class);
        assertThat(onServer.code()).as("the code the client echoed").isEqualTo(4001);
        assertThat(onServer.clean()).isTrue();
        assertNoErrorOnServer("close-from-server");
    }

    @Test
    void subprotocolByServerPreference() {
        ClientReport client = scenario("subprotocol");
        assertThat(client.protocol()).isEqualTo("chat.v2");
        assertThat(server.connection("subprotocol").await(Open.class).subprotocol())
                .isEqualTo("chat.v2");
        assertEchoed("subprotocol", client, Message.text("hello"));
    }

    @Test
    void burstOfMessagesInOrder() {
        ClientReport client = scenario("burst");
        Message[] sent = IntStream.range(0, Payload.BURST)
                .mapToObj(i -> Message.text(Payload.burst(i)))
                .toArray(Message[]::new);
        assertEchoed("burst", client, sent);
        assertNormalClose("burst", client);
    }

    @Test
    void messageOverTheLimitIsRefusedWith1009() {
        ClientReport client = scenario("too-big");
        // RFC 6455 §7.4.1: 1009, the message is too big to process.
        assertThat(client.close()).as("close as the client saw it").isNotNull();
        assertThat(client.close().code()).isEqualTo(1009);
        Closed onServer = server.connection("too-big").await(Closed.class);
        assertThat(onServer.code()).isEqualTo(1009);
        assertThat(server.connection("too-big").received()).isEmpty();
    }

    @Test
    void wssWithTestCertificate() {
        ClientReport client = scenario("tls");
        assertEchoed("tls", client, Message.text(Payload.UTF8_SAMPLE), Message.binary(Payload.binary(64 * 1024)));
        assertNormalClose("tls", client);
    }

    /**
     * RFC 7692 §7.1.2.1: an offer limiting the server's window below 15 bits is accepted and
     * echoed; the JDK's deflater has no window setting, so the server compresses Huffman-only (no
     * back-references), which the peer's inflater with a 10-bit window reads.
     */
    @Test
    void deflateOfferWithSmallServerWindowIsHonoured() {
        ClientReport client = scenario("deflate-small-window");
        assertThat(client.extensions()).startsWith("permessage-deflate").contains("server_max_window_bits=10");
        assertThat(server.connection("deflate-small-window").await(Open.class).extensions())
                .anySatisfy(e -> assertThat(e).contains("server_max_window_bits=10"));
        assertEchoed(
                "deflate-small-window", client, Message.text(Payload.COMPRESSIBLE), Message.text(Payload.windowTrap()));
        assertNormalClose("deflate-small-window", client);
    }

    /**
     * RFC 7692 §7.1.1: with context takeover allowed (not the default) a message may refer back
     * into the previous ones; the same 6000 letters sent twice exercise exactly that both ways.
     */
    @Test
    void deflateWithContextTakeover() {
        ClientReport client = scenario("context-takeover");
        assertThat(client.extensions()).startsWith("permessage-deflate").doesNotContain("no_context_takeover");
        Open open = server.connection("context-takeover").await(Open.class);
        assertThat(open.extensions())
                .singleElement()
                .satisfies(e -> assertThat(e).startsWith("permessage-deflate").doesNotContain("no_context_takeover"));
        String block = Payload.windowTrap().substring(0, 6000);
        assertEchoed(
                "context-takeover",
                client,
                Message.text(block),
                Message.text(block),
                Message.text(Payload.COMPRESSIBLE));
        assertNormalClose("context-takeover", client);
    }

    /**
     * The body of each peer's permessage-deflate cell (compression is on by default on both
     * sides): the extension is negotiated, and a compressible 48 KiB text and a text whose matches
     * reach back 6000 bytes come back intact.
     */
    void deflateScenario() {
        ClientReport client = scenario("deflate");
        assertThat(client.extensions()).as("negotiated, as the client saw it").startsWith("permessage-deflate");
        Open open = server.connection("deflate").await(Open.class);
        assertThat(open.extensions()).anySatisfy(e -> assertThat(e).startsWith("permessage-deflate"));
        assertEchoed("deflate", client, Message.text(Payload.COMPRESSIBLE), Message.text(Payload.windowTrap()));
        assertNormalClose("deflate", client);
    }
}
