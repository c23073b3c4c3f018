package io.duplex.redis;

import static io.duplex.redis.Node.awaitRedis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.WebSocketClient;
import io.duplex.redis.Node.Peer;
import io.lettuce.core.RedisConnectionException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials and TLS from the URI: the default user's password, an ACL user, a wrong password,
 * and {@code rediss://} with a certificate made at test time by the JDK's keytool.
 */
class SecureConnectionTest {
    static final String PASSWORD = "top-secret";
    static RedisServer redis;
    static int tlsPort;
    static Path certificate;

    @TempDir
    static Path dir;

    final WebSocketClient client = WebSocketClient.builder().eventLoops(1).build();
    Node a;
    Node b;

    @BeforeAll
    static void startRedis() throws Exception {
        RedisServer.executable(); // skip (or fail on CI) before making certificates
        certificate = dir.resolve("redis-cert.pem");
        Path key = dir.resolve("redis-key.pem");
        selfSignedLocalhost(certificate, key);
        tlsPort = RedisServer.freePort();
        redis = RedisServer.start(
                PASSWORD,
                "--requirepass",
                PASSWORD,
                "--user",
                "alice",
                "on",
                ">wonderland",
                "~*",
                "&*",
                "+@all",
                "--tls-port",
                String.valueOf(tlsPort),
                "--tls-cert-file",
                certificate.toString(),
                "--tls-key-file",
                key.toString(),
                "--tls-auth-clients",
                "no");
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void stopNodes() {
        client.close();
        for (Node n : new Node[] {a, b}) {
            if (n != null) {
                n.close();
            }
        }
    }

    @Test
    void passwordAndAclUserFromTheUri() throws Exception {
        a = Node.start("redis://:" + PASSWORD + "@127.0.0.1:" + redis.port, "node-a");
        b = Node.start("redis://alice:wonderland@127.0.0.1:" + redis.port + "/0", "node-b");
        crossDelivery();
    }

    @Test
    void tlsFromTheUri() throws Exception {
        a = new Node(RedisBroker.builder()
                .uri("rediss://alice:wonderland@localhost:" + tlsPort)
                .trustedCertificates(certificate)
                .nodeId("node-tls")
                .build());
        b = Node.start("redis://alice:wonderland@127.0.0.1:" + redis.port, "node-plain");
        crossDelivery();
    }

    @Test
    void wrongPasswordFailsTheBuildAndLeavesNothingRunning() throws Exception {
        Set<Thread> before = CrossNodeTest.lettuceThreads();
        assertThatThrownBy(() -> RedisBroker.builder()
                        .uri("redis://alice:not-the-password@127.0.0.1:" + redis.port)
                        .build())
                .isInstanceOf(RedisConnectionException.class);
        Node.await("Lettuce threads ended", 10, () -> before.containsAll(CrossNodeTest.lettuceThreads()));
        // The password never shows in what the broker logs or throws.
        assertThatThrownBy(() -> RedisBroker.builder()
                        .uri("redis://alice:not-the-password@127.0.0.1:" + redis.port)
                        .build())
                .satisfies(e -> assertThat(stackText(e)).doesNotContain("not-the-password"));
    }

    void crossDelivery() throws Exception {
        Peer a1 = a.connect(client, "secure");
        Peer b1 = b.connect(client, "secure");
        awaitRedis("both subscribed", 10, () -> redis.numsub("duplex:secure") == 2);
        a1.ws().send("pub:secure:from a");
        assertThat(b1.nextText()).isEqualTo("from a");
        b1.publishBinary("secure", new byte[] {1, 2, 3});
        assertThat(a1.next()).isEqualTo(new byte[] {1, 2, 3});
    }

    static String stackText(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t).append('\n');
        }
        return sb.toString();
    }

    /** An EC P-256 key and a self-signed certificate for localhost / 127.0.0.1, as PEM files. */
    static void selfSignedLocalhost(Path certificatePem, Path keyPem) throws Exception {
        Path store = certificatePem.resolveSibling("redis.p12");
        String keytool =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(
                        keytool,
                        "-genkeypair",
                        "-alias",
                        "redis",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=dns:localhost,ip:127.0.0.1",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        store.toString(),
                        "-storepass",
                        "changeit",
                        "-keypass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("keytool failed: " + out);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        PrivateKey key = (PrivateKey) ks.getKey("redis", "changeit".toCharArray());
        Files.writeString(
                certificatePem, pem("CERTIFICATE", ks.getCertificate("redis").getEncoded()));
        Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
