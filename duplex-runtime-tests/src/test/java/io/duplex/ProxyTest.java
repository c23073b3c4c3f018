package io.duplex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.testing.TestCertificates;
import io.duplex.testkit.ConnectProxy;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Our client through a real CONNECT proxy started in the test, for ws and wss. */
class ProxyTest {
    static WebSocketServer plain;
    static WebSocketServer secure;

    @BeforeAll
    static void start() throws Exception {
        plain = WebSocketServer.builder()
                .host("127.0.0.1")
                .port(0)
                .eventLoops(1)
                .route("/echo", WebSocketHandler.echo())
                .start();
        secure = WebSocketServer.builder()
                .host("127.0.0.1")
                .port(0)
                .eventLoops(1)
                .tls(TlsConfig.pkcs12(TestCertificates.localhost().keyStore(), TestCertificates.PASSWORD))
                .route("/echo", WebSocketHandler.echo())
                .start();
    }

    @AfterAll
    static void stop() {
        plain.stop(Duration.ofSeconds(2));
        secure.stop(Duration.ofSeconds(2));
    }

    static String roundTrip(WebSocketClient client, URI uri) throws Exception {
        LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
        WebSocket ws = client.connect(uri, WebSocketHandler.onText((s, t) -> got.add(t)))
                .get(10, TimeUnit.SECONDS);
        ws.send("through the tunnel");
        String echoed = got.poll(10, TimeUnit.SECONDS);
        ws.close();
        return echoed;
    }

    @Test
    void wsThroughProxyWithBasicAuth() throws Exception {
        try (ConnectProxy proxy = new ConnectProxy("alice", "s3cret");
                WebSocketClient client = WebSocketClient.builder()
                        .proxy(ProxyConfig.of("127.0.0.1", proxy.port()).withCredentials("alice", "s3cret"))
                        .build()) {
            assertThat(roundTrip(client, URI.create("ws://127.0.0.1:" + plain.port() + "/echo")))
                    .isEqualTo("through the tunnel");
            assertThat(proxy.tunnels.get()).isEqualTo(1);
            assertThat(proxy.lastRequestLine).isEqualTo("CONNECT 127.0.0.1:" + plain.port() + " HTTP/1.1");
        }
    }

    @Test
    void wssThroughProxyIsEndToEndTls() throws Exception {
        try (ConnectProxy proxy = new ConnectProxy(null, null);
                WebSocketClient client = WebSocketClient.builder()
                        .proxy(ProxyConfig.parse("http://127.0.0.1:" + proxy.port()))
                        .tls(TlsConfig.client(TestCertificates.clientContext()))
                        .build()) {
            assertThat(roundTrip(client, URI.create("wss://localhost:" + secure.port() + "/echo")))
                    .isEqualTo("through the tunnel");
            assertThat(proxy.tunnels.get()).isEqualTo(1);
        }
    }

    @Test
    void wrongProxyCredentialsFailClearly() throws Exception {
        try (ConnectProxy proxy = new ConnectProxy("alice", "s3cret");
                WebSocketClient client = WebSocketClient.builder()
                        .proxy(ProxyConfig.of("127.0.0.1", proxy.port()).withCredentials("alice", "wrong"))
                        .build()) {
            assertThatThrownBy(() -> client.connect(
                                    URI.create("ws://127.0.0.1:" + plain.port() + "/echo"), new WebSocketHandler() {})
                            .get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("407");
        }
    }

    @Test
    void proxyConfigParsing() {
        ProxyConfig p = ProxyConfig.parse("http://bob:pw@proxy.example:3128");
        assertThat(p).isEqualTo(new ProxyConfig("proxy.example", 3128, "bob", "pw"));
        assertThat(ProxyConfig.parse("proxy.example:8080").username()).isNull();
        assertThatThrownBy(() -> ProxyConfig.parse("proxy.example")).isInstanceOf(IllegalArgumentException.class);
    }
}
