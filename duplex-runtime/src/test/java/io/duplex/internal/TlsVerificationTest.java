package io.duplex.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.TlsConfig;
import io.duplex.internal.TlsDriver.Peer;
import io.duplex.internal.TlsTransportTest.Pair;
import io.duplex.testing.TestCertificates;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

/** Certificate and host name checks, SNI and the failures a user sees. */
class TlsVerificationTest {

    private static TlsConfig server(TestCertificates.Generated certificate) {
        return TlsConfig.server(certificate.serverContext());
    }

    @Test
    void clientRejectsCertificateForAnotherHost() throws Exception {
        X509Certificate other = TestCertificates.otherHost().certificate();
        try (TlsDriver driver = new TlsDriver()) {
            Pair p = TlsTransportTest.pair(
                    driver,
                    server(TestCertificates.otherHost()),
                    TlsConfig.client().trustCertificates(other),
                    "localhost");
            driver.runUntil("both failures", () -> p.client().failure != null && p.server().failure != null);

            assertThat(p.client().failure)
                    .hasMessageStartingWith("TLS handshake failed: server certificate does not match the host name")
                    .hasMessageContaining("localhost");
            // The client's alert tells the server why.
            assertThat(p.server().failure)
                    .hasMessageStartingWith("TLS handshake failed: the peer refused the connection")
                    .hasMessageContaining("certificate");
        }
    }

    @Test
    void defaultClientRejectsSelfSignedCertificate() throws Exception {
        try (TlsDriver driver = new TlsDriver()) {
            Pair p = TlsTransportTest.pair(
                    driver, server(TestCertificates.localhost()), TlsConfig.client(), "localhost");
            driver.runUntil("client failure", () -> p.client().failure != null);

            assertThat(p.client().failure)
                    .hasMessageStartingWith("TLS handshake failed: server certificate is not trusted");
        }
    }

    @Test
    void insecureClientAcceptsUntrustedCertificateForAnotherHost() throws Exception {
        try (TlsDriver driver = new TlsDriver()) {
            Pair p = TlsTransportTest.pair(
                    driver,
                    server(TestCertificates.otherHost()),
                    TlsConfig.client().insecure(),
                    "localhost");
            p.client().send("still encrypted".getBytes(StandardCharsets.UTF_8)).shutdownWhenDrained();
            driver.runUntil("data", () -> p.server().endOfStream);

            assertThat(p.server().bytes()).asString(StandardCharsets.UTF_8).isEqualTo("still encrypted");
            assertThat(p.client().failure).isNull();
        }
    }

    @Test
    void serverPicksTheCertificateMatchingSni() throws Exception {
        TlsConfig server = TlsConfig.pkcs12(TestCertificates.multiHost(), TestCertificates.PASSWORD);
        for (String host : new String[] {"other.example", "localhost"}) {
            try (TlsDriver driver = new TlsDriver()) {
                // Each client trusts both certificates; hostname verification passes only for the right one.
                TlsConfig client = TlsConfig.client()
                        .trustCertificates(
                                TestCertificates.localhost().certificate(),
                                TestCertificates.otherHost().certificate());
                SocketChannel[] channels = driver.connectedPair();
                TlsTransport serverTransport = TlsTransport.server(channels[1], server);
                Peer c = driver.peer(TlsTransport.client(channels[0], client, host, 443));
                Peer s = driver.peer(serverTransport);
                driver.handshake(c, s);

                assertThat(c.failure).as(host).isNull();
                assertThat(serverTransport.sniHostName()).isEqualTo(host);
                X509Certificate served =
                        (X509Certificate) ((TlsTransport) c.transport).session().getPeerCertificates()[0];
                assertThat(served.getSubjectX500Principal().getName()).isEqualTo("CN=" + host);
            }
        }
    }

    @Test
    void ipAddressIsVerifiedAgainstIpSanWithoutSni() throws Exception {
        try (TlsDriver driver = new TlsDriver()) {
            TlsConfig client = TlsConfig.client()
                    .trustCertificates(TestCertificates.localhost().certificate());
            Pair p = TlsTransportTest.pair(driver, server(TestCertificates.localhost()), client, "127.0.0.1");
            driver.handshake(p.client(), p.server());

            assertThat(p.client().failure).isNull();
            assertThat(p.server().failure).isNull();
            assertThat(((TlsTransport) p.server().transport).sniHostName()).isNull();
        }
    }

    @Test
    void noCommonProtocolVersionIsExplained() throws Exception {
        try (TlsDriver driver = new TlsDriver()) {
            TlsConfig client = TlsConfig.client()
                    .trustCertificates(TestCertificates.localhost().certificate())
                    .protocols("TLSv1.2");
            Pair p = TlsTransportTest.pair(
                    driver, server(TestCertificates.localhost()).protocols("TLSv1.3"), client, "localhost");
            driver.runUntil("server failure", () -> p.server().failure != null);

            assertThat(p.server().failure)
                    .hasMessageContaining("TLS handshake failed")
                    .hasMessageContaining("protocol");
        }
    }

    @Test
    void plainTextClientGetsAClearServerError() throws Exception {
        try (TlsDriver driver = new TlsDriver()) {
            SocketChannel[] channels = driver.connectedPair();
            Peer s = driver.peer(TlsTransport.server(channels[1], server(TestCertificates.localhost())));
            channels[0].write(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            driver.runUntil("server failure", () -> s.failure != null);

            assertThat(s.failure).hasMessageContaining("does not speak TLS");
        }
    }

    @Test
    void peerClosingDuringTheHandshakeFailsIt() throws Exception {
        try (TlsDriver driver = new TlsDriver()) {
            SocketChannel[] channels = driver.connectedPair();
            Peer s = driver.peer(TlsTransport.server(channels[1], server(TestCertificates.localhost())));
            channels[0].close();
            driver.runUntil("server failure", () -> s.failure != null);

            assertThat(s.failure).hasMessage("TLS handshake failed: the peer closed the connection");
        }
    }
}
