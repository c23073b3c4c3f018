package io.duplex.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.SendResult;
import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketConfig;
import io.duplex.deflate.DeflateConfig;
import io.duplex.interop.Recorder.Message;
import io.duplex.testkit.RecordingHandler;
import io.duplex.testkit.RecordingHandler.Closed;
import io.duplex.testkit.RecordingHandler.Open;
import io.duplex.testkit.RecordingHandler.Ping;
import io.duplex.testkit.RecordingHandler.Pong;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The "Duplex client × peer server" row of the matrix: the Duplex {@link WebSocketClient} against
 * the peer's echo server, each scenario checked on both ends — the client's {@link Recorder} and
 * the events the peer server prints for that connection.
 *
 * <p>Subclasses say which peer and how to start its server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DuplexClientInteropTest {
    private final List<AutoCloseable> resources = new ArrayList<>();
    PeerServer plain;
    PeerServer secure;
    WebSocketClient client;
    WebSocketClient tlsClient;

    abstract Peer peer();

    /** Starts the peer's echo server; with {@code tls}, serving the test certificate. */
    abstract PeerServer startServer(boolean tls);

    /** Per test, not per class: Surefire reports a class skipped in {@code @BeforeAll} as nothing. */
    @BeforeEach
    void requirePeer() {
        Peers.require(peer());
    }

    @BeforeAll
    void start() {
        if (Peers.missing(peer()).isPresent()) {
            return;
        }
        plain = keep(startServer(false));
        secure = keep(startServer(true));
        client = keep(WebSocketClient.builder().build());
        tlsClient = keep(
                WebSocketClient.builder().tls(TestCertificate.get().clientTls()).build());
    }

    @AfterAll
    void stop() {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                // go on stopping the rest
            }
        }
    }

    private <T extends AutoCloseable> T keep(T resource) {
        resources.add(resource);
        return resource;
    }

    static IntStream sizes() {
        return IntStream.of(Payload.SIZES);
    }

    /** One Duplex client connection and what it recorded. */
    record Session(String id, WebSocket ws, Recorder recorder) {}

    Session connect(WebSocketClient with, URI base, String path, String id) {
        Recorder recorder = new Recorder();
        URI url = base.resolve(path + "?id=" + URLEncoder.encode(id, StandardCharsets.UTF_8));
        try {
            WebSocket ws = with.connect(url, recorder).get(Recorder.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return new Session(id, ws, recorder);
        } catch (Exception e) {
            throw new AssertionError("cannot connect to " + peer() + " at " + url, e);
        }
    }

    Session connect(String path, String id) {
        return connect(client, plain.base("ws", "127.0.0.1"), path, id);
    }

    /** Client end: the echo came back. Server end: the peer received the same message. */
    void assertEchoed(PeerServer peer, Session s, Message sent) {
        assertThat(s.recorder().awaitMessage(sent::equals)).isEqualTo(sent);
        peer.awaitEvent(
                s.id(),
                "message",
                e -> sent.type().equals(e.get("type"))
                        && ((Number) e.get("len")).longValue() == sent.length()
                        && sent.sha256().equals(e.get("sha256")));
    }

    /** Closes with 1000 "done": both ends see a clean close with 1000. */
    void closeNormally(PeerServer peer, Session s) {
        s.ws().close(1000, "done");
        Closed closed = s.recorder().await(Closed.class);
        assertThat(closed.code()).isEqualTo(1000);
        assertThat(closed.clean()).isTrue();
        Map<String, Object> onPeer = peer.awaitEvent(s.id(), "close");
        assertThat(onPeer).containsEntry("code", 1000L).containsEntry("reason", "done");
        assertNoErrors(peer, s);
    }

    /** Neither the Duplex handler nor the peer reported an error on this connection. */
    void assertNoErrors(PeerServer peer, Session s) {
        assertThat(s.recorder().events())
                .as("errors reported to the client's handler")
                .noneMatch(Recorder.Error.class::isInstance);
        assertThat(peer.events(s.id())).as("errors on the peer").noneMatch(e -> "error".equals(e.get("event")));
    }

    @ParameterizedTest(name = "text echo {0} B")
    @MethodSource("sizes")
    void textEcho(int size) {
        Session s = connect("/echo", "text:" + size);
        s.ws().send(Payload.text(size));
        assertEchoed(plain, s, Message.text(Payload.text(size)));
        closeNormally(plain, s);
    }

    @ParameterizedTest(name = "binary echo {0} B")
    @MethodSource("sizes")
    void binaryEcho(int size) {
        Session s = connect("/echo", "binary:" + size);
        s.ws().send(ByteBuffer.wrap(Payload.binary(size)));
        assertEchoed(plain, s, Message.binary(Payload.binary(size)));
        closeNormally(plain, s);
    }

    @Test
    void fragmentedTextFromServer() {
        Session s = connect("/echo", "fragmented-text");
        s.ws().send("send-fragmented");
        Message whole = Message.text(String.join("", Payload.FRAGMENTS_TEXT));
        assertThat(s.recorder().awaitMessage()).isEqualTo(whole);
        plain.awaitEvent(s.id(), "message", e -> "send-fragmented".equals(e.get("text")));
        closeNormally(plain, s);
    }

    @Test
    void fragmentedBinaryFromServer() {
        Session s = connect("/echo", "fragmented-binary");
        s.ws().send("send-fragmented-binary");
        assertThat(s.recorder().awaitMessage()).isEqualTo(Message.binary(Payload.binary(30)));
        closeNormally(plain, s);
    }

    @Test
    void fragmentedFromClient() {
        Session s = connect("/echo", "fragmented-client");
        byte[] utf8 = Payload.UTF8_SAMPLE.getBytes(StandardCharsets.UTF_8);
        int cut = utf8.length / 2; // may split a code point: allowed across fragments (RFC 6455 §5.6)
        s.ws().sendFragment(ByteBuffer.wrap(utf8, 0, cut), true, false);
        s.ws().sendFragment(ByteBuffer.wrap(utf8, cut, utf8.length - cut), true, true);
        assertEchoed(plain, s, Message.text(Payload.UTF8_SAMPLE));
        closeNormally(plain, s);
    }

    @Test
    void utf8Text() {
        Session s = connect("/echo", "utf8");
        s.ws().send(Payload.UTF8_SAMPLE);
        assertEchoed(plain, s, Message.text(Payload.UTF8_SAMPLE));
        plain.awaitEvent(s.id(), "message", e -> Payload.UTF8_SAMPLE.equals(e.get("text")));
        closeNormally(plain, s);
    }

    @Test
    void pingFromClient() {
        Session s = connect("/echo", "ping");
        s.ws().ping(ByteBuffer.wrap("cli-ping".getBytes(StandardCharsets.UTF_8)));
        s.recorder().await(Pong.class, p -> p.data().equals(RecordingHandler.bytes("cli-ping")));
        plain.awaitEvent(s.id(), "ping", e -> "cli-ping".equals(e.get("data")));
        closeNormally(plain, s);
    }

    @Test
    void pingFromServer() {
        Session s = connect("/ping", "server-ping");
        s.recorder().await(Ping.class, p -> p.data().equals(RecordingHandler.bytes("srv-ping")));
        plain.awaitEvent(s.id(), "pong", e -> "srv-ping".equals(e.get("data")));
        assertThat(s.recorder().awaitMessage()).isEqualTo(Message.text("pong:srv-ping"));
        closeNormally(plain, s);
    }

    @Test
    void closeFromClient() {
        Session s = connect("/echo", "close-from-client");
        s.ws().close(4001, "bye from client");
        Map<String, Object> onPeer = plain.awaitEvent(s.id(), "close");
        assertThat(onPeer)
                .containsEntry("code", 4001L)
                .containsEntry("reason", "bye from client")
                .containsEntry("clean", true);
        Closed closed = s.recorder().await(Closed.class);
        assertThat(closed.code()).as("the code the peer echoed").isEqualTo(4001);
        assertThat(closed.clean()).isTrue();
        assertNoErrors(plain, s);
    }

    @Test
    void closeFromServer() {
        Session s = connect("/close", "close-from-server");
        s.ws().send("close-me");
        assertThat(s.recorder().await(Closed.class)).isEqualTo(new Closed(4001, "bye from server", true));
        Map<String, Object> onPeer = plain.awaitEvent(s.id(), "close");
        assertThat(onPeer).as("the close Duplex echoed").containsEntry("code", 4001L);
        assertNoErrors(plain, s);
    }

    @Test
    void subprotocolChosenByServer() {
        try (WebSocketClient offering =
                WebSocketClient.builder().subprotocols("x-unknown", "chat.v2").build()) {
            Session s = connect(offering, plain.base("ws", "127.0.0.1"), "/echo", "subprotocol");
            assertThat(s.ws().subprotocol()).isEqualTo("chat.v2");
            assertThat(s.recorder().await(Open.class).subprotocol()).isEqualTo("chat.v2");
            assertThat(plain.awaitEvent(s.id(), "open")).containsEntry("protocol", "chat.v2");
            s.ws().send("hello");
            assertEchoed(plain, s, Message.text("hello"));
            closeNormally(plain, s);
        }
    }

    @Test
    void burstOfMessagesInOrder() {
        Session s = connect("/echo", "burst");
        // Back to back from the test thread: the loop corks them into few writes.
        for (int i = 0; i < Payload.BURST; i++) {
            s.ws().send(Payload.burst(i));
        }
        String last = Payload.burst(Payload.BURST - 1);
        s.recorder().awaitMessage(Message.text(last)::equals);
        List<Message> expected = IntStream.range(0, Payload.BURST)
                .mapToObj(i -> Message.text(Payload.burst(i)))
                .toList();
        assertThat(s.recorder().received().stream()).as("echoes, in order").containsExactlyElementsOf(expected);
        plain.awaitEvent(s.id(), "message", e -> Message.text(last).sha256().equals(e.get("sha256")));
        List<Object> onPeer = plain.events(s.id()).stream()
                .filter(e -> "message".equals(e.get("event")))
                .map(e -> e.get("sha256"))
                .toList();
        assertThat(onPeer)
                .as("what the peer received, in order")
                .containsExactlyElementsOf(
                        expected.stream().map(Message::sha256).toList());
        closeNormally(plain, s);
    }

    @Test
    void messageOverThePeersLimitIsRefusedWith1009() {
        // Above the default outbound limit (1 MiB) Duplex refuses to send the message itself.
        WebSocketConfig roomy = WebSocketConfig.builder().outboundLimit(4 << 20).build();
        try (WebSocketClient sender = WebSocketClient.builder().config(roomy).build()) {
            Session s = connect(sender, plain.base("ws", "127.0.0.1"), "/echo", "too-big");
            assertThat(s.ws().send(Payload.text(Payload.TOO_BIG))).isNotEqualTo(SendResult.DROPPED);
            Closed closed = s.recorder().await(Closed.class);
            // RFC 6455 §7.4.1: 1009, the message is too big to process.
            assertThat(closed.code()).as("the code the peer closed with").isEqualTo(1009);
            // The peer failed the connection (it reports 1006: it closed TCP without waiting).
            plain.awaitEvent(s.id(), "close");
            assertThat(plain.events(s.id())).noneMatch(e -> "message".equals(e.get("event")));
            assertThat(s.recorder().received()).isEmpty();
        }
    }

    @Test
    void wssWithTestCertificate() {
        // "localhost": SNI and hostname verification against the certificate's DNS name.
        Session s = connect(tlsClient, secure.base("wss", "localhost"), "/echo", "tls");
        s.ws().send(Payload.UTF8_SAMPLE);
        assertEchoed(secure, s, Message.text(Payload.UTF8_SAMPLE));
        s.ws().send(ByteBuffer.wrap(Payload.binary(64 * 1024)));
        assertEchoed(secure, s, Message.binary(Payload.binary(64 * 1024)));
        closeNormally(secure, s);
    }

    /**
     * RFC 7692 §7.1.1: with context takeover allowed (not the default) a message may refer back
     * into the previous ones; the same 6000 letters sent twice exercise exactly that both ways.
     */
    @Test
    void deflateWithContextTakeover() {
        WebSocketConfig takeover = WebSocketConfig.builder()
                .compression(DeflateConfig.builder().contextTakeover(true).build())
                .build();
        try (WebSocketClient keeping =
                WebSocketClient.builder().config(takeover).build()) {
            Session s = connect(keeping, plain.base("ws", "127.0.0.1"), "/echo", "context-takeover");
            assertThat(s.ws().extensions()).singleElement().satisfies(e -> assertThat(e)
                    .startsWith("permessage-deflate")
                    .doesNotContain("no_context_takeover"));
            String block = Payload.windowTrap().substring(0, 6000);
            for (String sent : List.of(block, block, Payload.COMPRESSIBLE)) {
                s.ws().send(sent);
            }
            List<Message> expected =
                    List.of(Message.text(block), Message.text(block), Message.text(Payload.COMPRESSIBLE));
            s.recorder().awaitMessage(expected.get(2)::equals);
            assertThat(s.recorder().received().stream()).containsExactlyElementsOf(expected);
            closeNormally(plain, s);
            assertThat(plain.events(s.id()).stream()
                            .filter(e -> "message".equals(e.get("event")))
                            .map(e -> e.get("sha256")))
                    .as("what the peer received, in order")
                    .containsExactlyElementsOf(
                            expected.stream().map(Message::sha256).toList());
        }
    }

    /**
     * The body of each peer's permessage-deflate cell (compression is on by default on both
     * sides): the extension is negotiated, and a compressible 48 KiB text and a text whose matches
     * reach back 6000 bytes come back intact.
     */
    void deflateScenario() {
        Session s = connect("/echo", "deflate");
        assertThat(s.ws().extensions()).anySatisfy(e -> assertThat(e).startsWith("permessage-deflate"));
        assertThat((String) plain.awaitEvent(s.id(), "open").get("extensions")).startsWith("permessage-deflate");
        for (String sent : List.of(Payload.COMPRESSIBLE, Payload.windowTrap())) {
            s.ws().send(sent);
            assertEchoed(plain, s, Message.text(sent));
        }
        closeNormally(plain, s);
    }
}
