package io.duplex.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.ProxyConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which proxy {@code duplex connect} takes from the environment and the JVM when not told. */
class SystemProxyTest {

    private static ProxyConfig find(String url, Map<String, String> env) {
        return SystemProxy.find(URI.create(url), env, null);
    }

    @Test
    void theSchemePicksTheVariableAndLowerCaseWins() {
        Map<String, String> env = Map.of(
                "HTTPS_PROXY", "http://secure:3128",
                "HTTP_PROXY", "socks5://plain:1080",
                "http_proxy", "http://lower:8080");
        assertThat(find("wss://example.com/", env)).isEqualTo(ProxyConfig.of("secure", 3128));
        assertThat(find("ws://example.com/", env)).isEqualTo(ProxyConfig.of("lower", 8080));
        assertThat(find("ws://example.com/", Map.of("HTTP_PROXY", "socks5://plain:1080")))
                .isEqualTo(ProxyConfig.socks5("plain", 1080));
        assertThat(find("ws://example.com/", Map.of("ALL_PROXY", "socks5h://u:p@all:1080")))
                .isEqualTo(new ProxyConfig(ProxyConfig.Type.SOCKS5, "all", 1080, "u", "p"));
        assertThat(find("ws://example.com/", Map.of("HTTPS_PROXY", "http://secure:3128")))
                .isNull();
        assertThat(find("ws://example.com/", Map.of("http_proxy", " "))).isNull();
    }

    @Test
    void noProxyListsHostsSuffixesAddressesAndPorts() {
        String list = "internal.example, .corp.test, 10.1.2.3, api.example.org:8443, *.wild.test";
        Map<String, String> env = Map.of("HTTPS_PROXY", "http://p:3128", "NO_PROXY", list);
        assertThat(find("wss://internal.example/", env)).isNull();
        assertThat(find("wss://a.internal.example/", env)).isNull();
        assertThat(find("wss://notinternal.example/", env)).isNotNull();
        assertThat(find("wss://corp.test/", env)).isNull();
        assertThat(find("wss://x.corp.test/", env)).isNull();
        assertThat(find("wss://10.1.2.3/", env)).isNull();
        assertThat(find("wss://api.example.org:8443/", env)).isNull();
        assertThat(find("wss://api.example.org/", env)).isNotNull();
        assertThat(find("wss://a.wild.test/", env)).isNull();
        assertThat(find("wss://any.where/", Map.of("HTTPS_PROXY", "http://p:3128", "no_proxy", "*")))
                .isNull();
    }

    @Test
    void loopbackIsAlwaysDirect() {
        Map<String, String> env = Map.of("HTTPS_PROXY", "http://p:3128", "HTTP_PROXY", "http://p:3128");
        assertThat(find("ws://localhost:9001/", env)).isNull();
        assertThat(find("ws://127.0.0.1:9001/", env)).isNull();
        assertThat(find("wss://[::1]:9001/", env)).isNull();
    }

    @Test
    void withoutTheEnvironmentTheJvmsSelectorIsAskedForTheHttpForm() {
        List<URI> asked = new ArrayList<>();
        ProxySelector selector = new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                asked.add(uri);
                return uri.getScheme().equals("https")
                        ? List.of(new Proxy(Proxy.Type.SOCKS, InetSocketAddress.createUnresolved("socks", 1080)))
                        : List.of(
                                Proxy.NO_PROXY,
                                new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved("web", 3128)));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}
        };
        assertThat(SystemProxy.find(URI.create("wss://example.com:8443/x"), Map.of(), selector))
                .isEqualTo(ProxyConfig.socks5("socks", 1080));
        assertThat(SystemProxy.find(URI.create("ws://example.com/x"), Map.of(), selector))
                .isEqualTo(ProxyConfig.of("web", 3128));
        assertThat(asked).containsExactly(URI.create("https://example.com:8443/"), URI.create("http://example.com/"));
        // The environment comes first.
        assertThat(SystemProxy.find(URI.create("ws://example.com/"), Map.of("HTTP_PROXY", "http://env:1"), selector))
                .isEqualTo(ProxyConfig.of("env", 1));
    }
}
