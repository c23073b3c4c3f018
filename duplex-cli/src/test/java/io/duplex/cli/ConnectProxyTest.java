package io.duplex.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import io.duplex.testkit.Socks5Proxy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code duplex connect} through a real SOCKS5 proxy started by the test: named by {@code --proxy},
 * by {@code HTTP_PROXY}/{@code NO_PROXY}, and by the JVM's {@link ProxySelector}. The server is
 * addressed as {@code ws.test}, a name only the proxy resolves (to the loopback address), so a
 * connection that bypasses the proxy cannot reach it.
 */
class ConnectProxyTest {
    private WebSocketServer server;
    private Socks5Proxy proxy;

    @BeforeEach
    void start() throws IOException {
        server = WebSocketServer.builder()
                .host("127.0.0.1")
                .port(0)
                .eventLoops(1)
                .route("*", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        ws.send("hello");
                    }
                })
                .start();
        proxy = new Socks5Proxy("carol", "pa:ss");
        proxy.hosts.put("ws.test", "127.0.0.1");
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        server.stop(Duration.ofSeconds(2));
    }

    private String named() {
        return "ws://ws.test:" + server.port() + "/";
    }

    private String socks() {
        return "socks5://carol:pa%3Ass@127.0.0.1:" + proxy.port();
    }

    @Test
    void proxyOptionTakesSocks5WithCredentials() {
        Cli.Result r = Cli.runWithOpenStdin("connect", "--proxy", socks(), "--wait", "1", named());
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).isEqualTo("hello\n");
        assertThat(proxy.targets).containsExactly("ws.test:" + server.port());
    }

    @Test
    void theEnvironmentsProxyIsUsedUnlessNoProxyOrNoProxyOptionSaysOtherwise() {
        Cli.Result r = Cli.runWithEnvironment(Map.of("HTTP_PROXY", socks()), "connect", "--wait", "1", named());
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(proxy.tunnels.get()).isEqualTo(1);

        Cli.Result bypassed = Cli.runWithEnvironment(
                Map.of("HTTP_PROXY", socks(), "NO_PROXY", "localhost,.test"), "connect", "--timeout", "2s", named());
        assertThat(bypassed.exit()).isEqualTo(ExitCode.FAILURE); // direct: ws.test does not resolve here
        Cli.Result ignored = Cli.runWithEnvironment(
                Map.of("HTTP_PROXY", socks()), "connect", "--no-proxy", "--timeout", "2s", named());
        assertThat(ignored.exit()).isEqualTo(ExitCode.FAILURE);
        Cli.Result otherScheme =
                Cli.runWithEnvironment(Map.of("HTTPS_PROXY", socks()), "connect", "--timeout", "2s", named());
        assertThat(otherScheme.exit()).isEqualTo(ExitCode.FAILURE);
        assertThat(proxy.tunnels.get()).isEqualTo(1);
    }

    @Test
    void theJvmsProxySelectorIsHonoured() {
        ProxySelector before = ProxySelector.getDefault();
        try (Socks5Proxy open = new Socks5Proxy()) {
            // The JDK's Proxy has no credentials: this proxy asks for none.
            open.hosts.put("ws.test", "127.0.0.1");
            ProxySelector.setDefault(new ProxySelector() {
                @Override
                public List<Proxy> select(URI uri) {
                    return List.of(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", open.port())));
                }

                @Override
                public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}
            });
            Cli.Result r = Cli.runWithEnvironment(Map.of(), "connect", "--wait", "1", named());
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.OK);
            assertThat(open.targets).containsExactly("ws.test:" + server.port());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            ProxySelector.setDefault(before);
        }
    }
}
