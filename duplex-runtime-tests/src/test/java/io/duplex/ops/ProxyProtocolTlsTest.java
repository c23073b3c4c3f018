package io.duplex.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.TlsConfig;
import io.duplex.TrustedProxies;
import io.duplex.UpgradeDecision;
import io.duplex.WebSocketConfig;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import io.duplex.testing.TestCertificates;
import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import io.duplex.testkit.RawClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** A TLS balancer in TCP mode: the PROXY header comes before the ClientHello, then TLS as usual. */
class ProxyProtocolTlsTest {

    @Test
    void proxyHeaderThenTlsThenTheUpgrade() throws IOException {
        TestCertificates.Generated localhost = TestCertificates.localhost();
        BlockingQueue<InetSocketAddress> seen = new LinkedBlockingQueue<>();
        WebSocketServer server = Loopback.server()
                .tls(TlsConfig.pkcs12(localhost.keyStore(), localhost.password()))
                .config(WebSocketConfig.builder()
                        .trustedProxies(TrustedProxies.NONE.withProxyProtocolFrom("127.0.0.1"))
                        .build())
                .route("/ws", new WebSocketHandler() {}, request -> {
                    seen.add(request.clientAddress());
                    return UpgradeDecision.accept();
                })
                .start();
        try (Socket tcp = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            tcp.getOutputStream()
                    .write("PROXY TCP4 192.0.2.44 192.0.2.2 5000 443\r\n".getBytes(StandardCharsets.US_ASCII));
            tcp.getOutputStream().flush();
            SSLSocket tls = (SSLSocket) TestCertificates.clientContext()
                    .getSocketFactory()
                    .createSocket(tcp, "localhost", server.port(), true);
            tls.startHandshake();
            RawClient raw = new RawClient(tls);
            assertThat(raw.upgrade("/ws")).startsWith("HTTP/1.1 101 ");
            assertThat(Await.poll(seen)).isEqualTo(new InetSocketAddress("192.0.2.44", 5000));
            raw.close();
        } finally {
            server.stop(Duration.ofSeconds(1));
        }
    }
}
