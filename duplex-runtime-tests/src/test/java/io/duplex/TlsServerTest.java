package io.duplex;

import static io.duplex.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.handshake.HandshakeException;
import io.duplex.testing.TestCertificates;
import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import io.duplex.testkit.RawClient;
import io.duplex.testkit.RecordingHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A wss:// server (certificates made at test time) with the JDK client and ours. */
class TlsServerTest {
    static WebSocketServer pkcs12Server;
    static WebSocketServer pemServer;
    static WebSocketServer otherHostServer;
    static HttpClient http;

    @BeforeAll
    static void start() throws IOException {
        TestCertificates.Generated localhost = TestCertificates.localhost();
        pkcs12Server = Loopback.server()
                .tls(TlsConfig.pkcs12(localhost.keyStore(), localhost.password()))
                .route("/echo", WebSocketHandler.echo())
                .start();
        TestCertificates.PemFiles pem = TestCertificates.localhostRsa().writePem();
        pemServer = Loopback.server()
                .tls(TlsConfig.pem(pem.certificateChain(), pem.privateKey()))
                .route("/echo", WebSocketHandler.echo())
                .start();
        TestCertificates.Generated other = TestCertificates.otherHost();
        otherHostServer = Loopback.server()
                .tls(TlsConfig.pkcs12(other.keyStore(), other.password()))
                .route("/echo", WebSocketHandler.echo())
                .start();
        http = HttpClient.newBuilder()
                .sslContext(TestCertificates.clientContext())
                .build();
    }

    @AfterAll
    static void stop() {
        pkcs12Server.stop(Duration.ofSeconds(5));
        pemServer.stop(Duration.ofSeconds(5));
        otherHostServer.stop(Duration.ofSeconds(5));
    }

    static URI wss(WebSocketServer server) {
        return URI.create("wss://127.0.0.1:" + server.port() + "/echo");
    }

    static WebSocketServer server(boolean pem) {
        return pem ? pemServer : pkcs12Server;
    }

    static ByteBuffer random(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return ByteBuffer.wrap(b);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void jdkClientEchoesOverTls(boolean pem) {
        JdkListener listener = new JdkListener();
        java.net.http.WebSocket ws = JdkListener.open(http, wss(server(pem)), listener);
        for (int size : new int[] {1, 1 << 20}) {
            String text = "t".repeat(size);
            await(ws.sendText(text, true));
            assertThat(Await.poll(listener.texts)).isEqualTo(text);
            await(ws.sendBinary(random(size), true));
            assertThat(Await.poll(listener.binaries)).isEqualTo(random(size));
        }
        await(ws.sendClose(1000, "bye"));
        assertThat(await(listener.closed).code()).isEqualTo(1000);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void ourClientEchoesOverTls(boolean pem) {
        TlsConfig trust = TlsConfig.client()
                .trustCertificates(
                        TestCertificates.localhost().certificate(),
                        TestCertificates.localhostRsa().certificate());
        try (WebSocketClient client = WebSocketClient.builder().tls(trust).build()) {
            RecordingHandler onClient = new RecordingHandler();
            WebSocket ws = await(client.connect(wss(server(pem)), onClient));
            for (int size : new int[] {1, 1 << 20}) {
                String text = "t".repeat(size);
                assertThat(ws.send(text)).isNotEqualTo(SendResult.DROPPED);
                assertThat(onClient.nextText()).isEqualTo(text);
                assertThat(ws.send(random(size))).isNotEqualTo(SendResult.DROPPED);
                assertThat(Await.poll(onClient.binaries)).isEqualTo(random(size));
            }
            ws.close(1000, "bye");
            assertThat(onClient.awaitClose()).isEqualTo(new RecordingHandler.Closed(1000, "", true));
        }
    }

    /**
     * A message of more than one read pass (16 reads of the loop's 64 KiB buffer) that is all in
     * the kernel before the server reads: the last records are decrypted from TLS's own buffer, and
     * no readiness event announces them once the socket is empty. The server's only loop is held
     * (a handler waits) while a raw TLS client with a 4 MiB send buffer writes the whole frame.
     */
    @Test
    void messageLongerThanOneReadPassArrivingAtOnceIsDelivered() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TestCertificates.Generated localhost = TestCertificates.localhost();
        WebSocketServer oneLoop = Loopback.server()
                .eventLoops(1)
                .tls(TlsConfig.pkcs12(localhost.keyStore(), localhost.password()))
                .route("/echo", WebSocketHandler.echo())
                .route("/hold", WebSocketHandler.onText((ws, text) -> {
                    holding.countDown();
                    try {
                        release.await(Await.WAIT.toSeconds(), TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }))
                .start();
        TlsConfig trust = TlsConfig.client().trustCertificates(localhost.certificate());
        Socket tcp = new Socket();
        tcp.setSendBufferSize(4 << 20);
        tcp.connect(new InetSocketAddress("127.0.0.1", oneLoop.port()));
        tcp.setSoTimeout((int) Await.WAIT.toMillis());
        SSLSocket tls = (SSLSocket) TestCertificates.clientContext()
                .getSocketFactory()
                .createSocket(tcp, "localhost", oneLoop.port(), true);
        try (WebSocketClient client = WebSocketClient.builder().tls(trust).build();
                RawClient raw = new RawClient(tls)) {
            raw.handshake("/echo");
            byte[] message = random(1 << 20).array();
            for (int i = 0; i < 32; i++) {
                raw.send(RawClient.BINARY, message);
                assertThat(raw.readFrame().payload()).isEqualTo(message);
            }
            WebSocket hold = await(
                    client.connect(URI.create("wss://127.0.0.1:" + oneLoop.port() + "/hold"), new RecordingHandler()));
            hold.send("hold the server's only loop");
            assertThat(holding.await(Await.WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            raw.send(RawClient.BINARY, message);
            release.countDown();
            assertThat(raw.readFrame().payload()).isEqualTo(message);
        } finally {
            release.countDown();
            oneLoop.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void ourClientUsingACallersSslContextEchoes() {
        try (WebSocketClient client = WebSocketClient.builder()
                .tls(TlsConfig.client(TestCertificates.clientContext()))
                .build()) {
            RecordingHandler onClient = new RecordingHandler();
            await(client.connect(URI.create("wss://localhost:" + pkcs12Server.port() + "/echo"), onClient))
                    .send("by name");
            assertThat(onClient.nextText()).isEqualTo("by name");
        }
    }

    /** RFC 6454 §5: the scheme is part of the origin, so a plain-http page is not the wss server's. */
    @ParameterizedTest
    @ValueSource(strings = {"http", "https"})
    void aTlsServerAcceptsOnlyHttpsOriginsOfItsOwnHostAndPort(String scheme) {
        String origin = scheme + "://localhost:" + pkcs12Server.port();
        try (WebSocketClient client = WebSocketClient.builder()
                .tls(TlsConfig.client(TestCertificates.clientContext()))
                .origin(origin)
                .build()) {
            CompletableFuture<WebSocket> connecting = client.connect(
                    URI.create("wss://localhost:" + pkcs12Server.port() + "/echo"), new RecordingHandler());
            if (scheme.equals("https")) {
                assertThat(await(connecting).readyState()).isEqualTo(ReadyState.OPEN);
            } else {
                Throwable t = Await.catchFailure(connecting);
                assertThat(t).isInstanceOf(HandshakeException.class);
                assertThat(((HandshakeException) t).status()).isEqualTo(403);
            }
        }
    }

    @Test
    void certificateForAnotherHostFailsHostnameVerification() {
        try (WebSocketClient client = WebSocketClient.builder()
                .tls(TlsConfig.client(TestCertificates.clientContext()))
                .build()) {
            Throwable t = Await.catchFailure(client.connect(wss(otherHostServer), new RecordingHandler()));
            assertThat(t).isInstanceOf(IOException.class).hasMessageContaining("hostname verification");
        }
        // The server shrugs it off and serves the next (trusting, matching) client.
        try (WebSocketClient client = WebSocketClient.builder()
                .tls(TlsConfig.client()
                        .trustCertificates(TestCertificates.otherHost().certificate()))
                .build()) {
            Throwable t = Await.catchFailure(client.connect(wss(otherHostServer), new RecordingHandler()));
            assertThat(t).isInstanceOf(IOException.class).hasMessageContaining("hostname verification");
        }
        Await.eventually("failed handshakes are released", () -> otherHostServer.connectionCount() == 0);
    }

    @Test
    void untrustedCertificateIsRefused() {
        try (WebSocketClient client = WebSocketClient.builder().build()) {
            Throwable t = Await.catchFailure(client.connect(wss(pkcs12Server), new RecordingHandler()));
            assertThat(t).isInstanceOf(IOException.class).hasMessageContaining("not trusted");
        }
    }

    @Test
    void silentTcpClientIsCutOffByTheHandshakeTimeout() throws IOException {
        TestCertificates.Generated localhost = TestCertificates.localhost();
        WebSocketServer strict = Loopback.server()
                .tls(TlsConfig.pkcs12(localhost.keyStore(), localhost.password()))
                .config(WebSocketConfig.builder()
                        .handshakeTimeout(Duration.ofMillis(300))
                        .build())
                .route("/echo", WebSocketHandler.echo())
                .start();
        long t0 = System.nanoTime();
        try (RawClient silent = RawClient.connect(strict.port(), null, 0)) {
            // No ClientHello ever comes: the TLS handshake is part of the opening handshake's budget.
            assertThat(silent.awaitEnd(Duration.ofSeconds(2))).isTrue();
            assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(290);
        } finally {
            strict.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void plainClientOnATlsPortIsCutOff() throws IOException {
        try (RawClient raw = RawClient.connect(pkcs12Server.port(), null, 0)) {
            raw.write(RawClient.upgradeRequest("/echo", pkcs12Server.port()));
            assertThat(raw.awaitEnd(Await.WAIT)).isTrue();
        }
        Await.eventually("released", () -> pkcs12Server.connectionCount() == 0);
    }
}
