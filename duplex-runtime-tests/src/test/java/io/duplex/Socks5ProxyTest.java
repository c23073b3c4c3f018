package io.duplex;

import static io.duplex.ProxyTest.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.testing.TestCertificates;
import io.duplex.testkit.Socks5Proxy;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Our client through a real SOCKS5 proxy started in the test (RFC 1928, RFC 1929), ws and wss. */
class Socks5ProxyTest {
    static WebSocketServer plain;
    static WebSocketServer secure;

    @BeforeAll
    static void start() throws Exception {
        ProxyTest.start();
        plain = ProxyTest.plain;
        secure = ProxyTest.secure;
    }

    @AfterAll
    static void stop() {
        ProxyTest.stop();
    }

    @Test
    void wsThroughSocks5WithoutAuthenticationSendsTheAddress() throws Exception {
        try (Socks5Proxy proxy = new Socks5Proxy();
                WebSocketClient client = WebSocketClient.builder()
                        .proxy(ProxyConfig.parse("socks5://127.0.0.1:" + proxy.port()))
                        .build()) {
            assertThat(roundTrip(client, URI.create("ws://127.0.0.1:" + plain.port() + "/echo")))
                    .isEqualTo("through the tunnel");
            assertThat(proxy.tunnels.get()).isEqualTo(1);
            assertThat(proxy.targets).containsExactly("127.0.0.1:" + plain.port());
        }
    }

    @Test
    void wssThroughSocks5WithUsernameAndPasswordLetsTheProxyResolveTheName() throws Exception {
        try (Socks5Proxy proxy = new Socks5Proxy("alice", "s3cret");
                WebSocketClient client = WebSocketClient.builder()
                        .proxy(ProxyConfig.parse("socks5h://alice:s3cret@127.0.0.1:" + proxy.port()))
                        .tls(TlsConfig.client(TestCertificates.clientContext()))
                        .build()) {
            assertThat(roundTrip(client, URI.create("wss://localhost:" + secure.port() + "/echo")))
                    .isEqualTo("through the tunnel");
            // ATYP 3: the name, not an address we resolved.
            assertThat(proxy.targets).containsExactly("localhost:" + secure.port());
        }
    }

    @Test
    void wrongCredentialsFailTheConnectWithTheReason() throws Exception {
        try (Socks5Proxy proxy = new Socks5Proxy("alice", "s3cret");
                WebSocketClient client = WebSocketClient.builder()
                        .proxy(ProxyConfig.socks5("127.0.0.1", proxy.port()).withCredentials("alice", "wrong"))
                        .build()) {
            URI uri = URI.create("ws://127.0.0.1:" + plain.port() + "/echo");
            assertThatThrownBy(
                            () -> client.connect(uri, WebSocketHandler.echo()).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("authentication failed");
            assertThat(proxy.refused.get()).isEqualTo(1);
            assertThat(proxy.tunnels.get()).isZero();
        }
    }

    @Test
    void aProxyThatWantsCredentialsWeDoNotHaveIsReported() throws Exception {
        try (Socks5Proxy proxy = new Socks5Proxy("alice", "s3cret");
                WebSocketClient client = WebSocketClient.builder()
                        .proxy(ProxyConfig.socks5("127.0.0.1", proxy.port()))
                        .build()) {
            URI uri = URI.create("ws://127.0.0.1:" + plain.port() + "/echo");
            assertThatThrownBy(
                            () -> client.connect(uri, WebSocketHandler.echo()).get(10, TimeUnit.SECONDS))
                    .cause()
                    .hasMessageContaining("requires authentication");
        }
    }

    @Test
    void aRefusedTargetIsReportedWithTheProxysReply() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (Socks5Proxy proxy = new Socks5Proxy();
                WebSocketClient client = WebSocketClient.builder()
                        .proxy(ProxyConfig.socks5("127.0.0.1", proxy.port()))
                        .build()) {
            URI uri = URI.create("ws://127.0.0.1:" + closedPort + "/echo");
            assertThatThrownBy(
                            () -> client.connect(uri, WebSocketHandler.echo()).get(10, TimeUnit.SECONDS))
                    .cause()
                    .hasMessageContaining("connection refused");
        }
    }

    @Test
    void proxyUrlsAreParsedByScheme() {
        assertThat(ProxyConfig.parse("socks5://u:p%40ss@h:1080"))
                .isEqualTo(new ProxyConfig(ProxyConfig.Type.SOCKS5, "h", 1080, "u", "p@ss"));
        assertThat(ProxyConfig.parse("http://h:3128").type()).isEqualTo(ProxyConfig.Type.HTTP);
        assertThat(ProxyConfig.parse("h:3128").type()).isEqualTo(ProxyConfig.Type.HTTP);
        assertThatThrownBy(() -> ProxyConfig.parse("socks4://h:1080")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ProxyConfig(ProxyConfig.Type.SOCKS5, "h", 1, "u".repeat(256), "p"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
