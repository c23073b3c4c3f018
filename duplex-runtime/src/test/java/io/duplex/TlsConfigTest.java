package io.duplex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.internal.TlsDriver;
import io.duplex.internal.TlsDriver.Peer;
import io.duplex.internal.TlsTransport;
import io.duplex.testing.TestCertificates;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsConfigTest {
    @TempDir
    Path dir;

    /** Handshakes a client trusting the localhost certificates with {@code server}, sends a line. */
    private static void assertServes(TlsConfig server) throws Exception {
        TlsConfig client = TlsConfig.client()
                .trustCertificates(
                        TestCertificates.localhost().certificate(),
                        TestCertificates.localhostRsa().certificate());
        try (TlsDriver driver = new TlsDriver()) {
            SocketChannel[] channels = driver.connectedPair();
            Peer c = driver.peer(TlsTransport.client(channels[0], client, "localhost", 443));
            Peer s = driver.peer(TlsTransport.server(channels[1], server));
            c.send("hello".getBytes(StandardCharsets.UTF_8)).shutdownWhenDrained();
            driver.runUntil("hello", () -> s.endOfStream || s.failure != null || c.failure != null);
            assertThat(c.failure).isNull();
            assertThat(s.failure).isNull();
            assertThat(s.bytes()).asString(StandardCharsets.UTF_8).isEqualTo("hello");
        }
    }

    @Test
    void pkcs12MakesAWorkingServer() throws Exception {
        TestCertificates.Generated localhost = TestCertificates.localhost();
        assertServes(TlsConfig.pkcs12(localhost.keyStore(), localhost.password()));
    }

    @Test
    void pemWithEcPkcs8KeyMakesAWorkingServer() throws Exception {
        TestCertificates.PemFiles pem = TestCertificates.localhost().writePem();
        assertServes(TlsConfig.pem(pem.certificateChain(), pem.privateKey()));
    }

    @Test
    void pemWithRsaPkcs8KeyMakesAWorkingServer() throws Exception {
        TestCertificates.PemFiles pem = TestCertificates.localhostRsa().writePem();
        assertServes(TlsConfig.pem(pem.certificateChain(), pem.privateKey()));
    }

    @Test
    void pemWithRsaPkcs1KeyMakesAWorkingServer() throws Exception {
        TestCertificates.Generated rsa = TestCertificates.localhostRsa();
        Path key = dir.resolve("rsa-pkcs1.pem");
        Files.writeString(
                key,
                TestCertificates.pem("RSA PRIVATE KEY", pkcs1Of(rsa.privateKey().getEncoded())));
        assertServes(TlsConfig.pem(rsa.writePem().certificateChain(), key));
    }

    @Test
    void pemIgnoresTextAroundBlocksAndCrLf() throws Exception {
        TestCertificates.Generated localhost = TestCertificates.localhost();
        Path chain = dir.resolve("chain.pem");
        Path key = dir.resolve("key.pem");
        // As written by `openssl pkcs12 -nodes`: "Bag Attributes" lines before each block.
        Files.writeString(
                chain,
                ("Bag Attributes\n    friendlyName: localhost\nsubject=CN = localhost\n"
                                + TestCertificates.pem(
                                        "CERTIFICATE", localhost.certificate().getEncoded()))
                        .replace("\n", "\r\n"));
        Files.writeString(
                key,
                "Key Attributes: <No Attributes>\n"
                        + TestCertificates.pem(
                                "PRIVATE KEY", localhost.privateKey().getEncoded()));
        assertServes(TlsConfig.pem(chain, key));
    }

    @Test
    void wrongPkcs12PasswordIsReported() {
        Path keyStore = TestCertificates.localhost().keyStore();
        assertThatThrownBy(() -> TlsConfig.pkcs12(keyStore, "wrong".toCharArray()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(keyStore.toString())
                .hasMessageContaining("password");
    }

    @Test
    void pkcs12WithoutPrivateKeyIsRejected() throws Exception {
        Path file = dir.resolve("trust-only.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", TestCertificates.localhost().certificate());
        try (var out = Files.newOutputStream(file)) {
            store.store(out, TestCertificates.PASSWORD);
        }
        assertThatThrownBy(() -> TlsConfig.pkcs12(file, TestCertificates.PASSWORD))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no private key entry");
    }

    @Test
    void missingFileIsReported() {
        assertThatThrownBy(() -> TlsConfig.pkcs12(dir.resolve("nope.p12"), TestCertificates.PASSWORD))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> TlsConfig.pem(dir.resolve("nope.pem"), dir.resolve("nope.key")))
                .isInstanceOf(IOException.class);
    }

    @Test
    void unsupportedOrBrokenPemKeysAreExplained() throws Exception {
        Path chain = TestCertificates.localhost().writePem().certificateChain();
        assertThatThrownBy(() -> TlsConfig.pem(
                        chain,
                        write("sec1.pem", "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("SEC1")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
        assertThatThrownBy(() -> TlsConfig.pem(
                        chain,
                        write(
                                "enc.pem",
                                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("encrypted");
        assertThatThrownBy(() -> TlsConfig.pem(chain, chain))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("expected exactly one");
        assertThatThrownBy(() -> TlsConfig.pem(
                        chain, write("garbage.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("unreadable private key");
        assertThatThrownBy(() -> TlsConfig.pem(chain, write("cut.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("has no -----END PRIVATE KEY-----");
        Path key = TestCertificates.localhost().writePem().privateKey();
        assertThatThrownBy(() -> TlsConfig.pem(key, key))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no BEGIN CERTIFICATE");
    }

    @Test
    void keyFromAnotherPairIsRejectedAtLoadTime() {
        Path chain = TestCertificates.localhost().writePem().certificateChain();
        Path otherEcKey = TestCertificates.otherHost().writePem().privateKey();
        Path rsaKey = TestCertificates.localhostRsa().writePem().privateKey();
        assertThatThrownBy(() -> TlsConfig.pem(chain, otherEcKey))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("does not match");
        assertThatThrownBy(() -> TlsConfig.pem(chain, rsaKey))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("private key is RSA");
    }

    @Test
    void trustCertificatesFromPemFile() throws Exception {
        TestCertificates.Generated localhost = TestCertificates.localhost();
        TlsConfig client =
                TlsConfig.client().trustCertificates(localhost.writePem().certificateChain());
        try (TlsDriver driver = new TlsDriver()) {
            SocketChannel[] channels = driver.connectedPair();
            Peer c = driver.peer(TlsTransport.client(channels[0], client, "localhost", 443));
            Peer s = driver.peer(TlsTransport.server(channels[1], TlsConfig.server(localhost.serverContext())));
            driver.handshake(c, s);
            assertThat(c.failure).isNull();
            assertThat(s.failure).isNull();
        }
    }

    @Test
    void clientEngineVerifiesHostSendsSniAndOffersAlpn() {
        SSLEngine engine = TlsConfig.client().newEngine("example.com.", 443, true);
        SSLParameters parameters = engine.getSSLParameters();
        assertThat(engine.getUseClientMode()).isTrue();
        assertThat(parameters.getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
        assertThat(parameters.getServerNames()).containsExactly(new SNIHostName("example.com"));
        assertThat(parameters.getApplicationProtocols()).containsExactly("http/1.1");
        assertThat(parameters.getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(engine.getPeerHost()).isEqualTo("example.com.");
        assertThat(engine.getPeerPort()).isEqualTo(443);
    }

    @Test
    void ipLiteralsGetNoSni() {
        for (String host : List.of("127.0.0.1", "::1", "[::1]")) {
            SSLParameters parameters =
                    TlsConfig.client().newEngine(host, 443, true).getSSLParameters();
            assertThat(parameters.getServerNames()).as(host).isNullOrEmpty();
            assertThat(parameters.getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
        }
    }

    @Test
    void verifyingClientNeedsAHost() {
        assertThatThrownBy(() -> TlsConfig.client().newEngine(null, -1, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host");
    }

    @Test
    void insecureClientSkipsHostnameVerification() {
        TlsConfig insecure = TlsConfig.client().insecure();
        assertThat(insecure.isInsecure()).isTrue();
        assertThat(insecure.hostnameVerification()).isFalse();
        assertThat(insecure.toString()).contains("INSECURE");
        SSLParameters parameters = insecure.newEngine("localhost", 443, true).getSSLParameters();
        assertThat(parameters.getEndpointIdentificationAlgorithm()).isNull();
        assertThat(parameters.getServerNames()).containsExactly(new SNIHostName("localhost"));
        assertThat(insecure.newEngine(null, -1, true).getUseClientMode()).isTrue();
    }

    @Test
    void serverEngineSelectsHttp11OnlyWhenOffered() {
        SSLEngine engine =
                TlsConfig.server(TestCertificates.localhost().serverContext()).newEngine(null, -1, false);
        assertThat(engine.getUseClientMode()).isFalse();
        assertThat(engine.getSSLParameters().getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
        var selector = engine.getHandshakeApplicationProtocolSelector();
        assertThat(selector.apply(engine, List.of("h2", "http/1.1"))).isEqualTo("http/1.1");
        assertThat(selector.apply(engine, List.of("h2"))).isEmpty();
    }

    @Test
    void protocolsAreRestrictedToTls13And12() {
        TlsConfig config = TlsConfig.client();
        assertThat(config.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(config.protocols("TLSv1.2", "TLSv1.3").protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(config.protocols("TLSv1.2")
                        .newEngine("localhost", 443, true)
                        .getSSLParameters()
                        .getProtocols())
                .containsExactly("TLSv1.2");
        assertThatThrownBy(() -> config.protocols("TLSv1.1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.protocols(new String[0])).isInstanceOf(IllegalArgumentException.class);
        assertThat(config.protocols()).containsExactly("TLSv1.3", "TLSv1.2"); // unchanged: immutable
    }

    @Test
    void callersContextKeepsItsTrust() throws Exception {
        SSLContext context = TestCertificates.clientContext();
        TlsConfig config = TlsConfig.client(context);
        assertThat(config.sslContext()).isSameAs(context);
        assertThat(config.hostnameVerification()).isTrue();
        assertThatThrownBy(config::insecure).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() ->
                        config.trustCertificates(TestCertificates.localhost().certificate()))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> TlsConfig.client().trustCertificates()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void serverKeysSurviveTrustChanges() throws Exception {
        TestCertificates.Generated localhost = TestCertificates.localhost();
        TlsConfig server =
                TlsConfig.pkcs12(localhost.keyStore(), localhost.password()).trustCertificates(localhost.certificate());
        assertThat(server.toString()).contains("keys").contains("custom trust");
        assertServes(server);
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    /** The RSAPrivateKey inside a PKCS#8 PrivateKeyInfo: the content of its OCTET STRING. */
    static byte[] pkcs1Of(byte[] pkcs8) {
        int[] outer = derHeader(pkcs8, 0); // SEQUENCE
        int[] version = derHeader(pkcs8, outer[1]);
        int[] algorithm = derHeader(pkcs8, version[1] + version[2]);
        int[] key = derHeader(pkcs8, algorithm[1] + algorithm[2]);
        assertThat(key[0]).isEqualTo(0x04);
        return Arrays.copyOfRange(pkcs8, key[1], key[1] + key[2]);
    }

    /** {tag, content offset, content length} of the DER element at {@code offset}. */
    private static int[] derHeader(byte[] der, int offset) {
        int tag = der[offset] & 0xff;
        int first = der[offset + 1] & 0xff;
        if (first < 0x80) {
            return new int[] {tag, offset + 2, first};
        }
        int bytes = first & 0x7f;
        int length = 0;
        for (int i = 0; i < bytes; i++) {
            length = (length << 8) | (der[offset + 2 + i] & 0xff);
        }
        return new int[] {tag, offset + 2 + bytes, length};
    }
}
