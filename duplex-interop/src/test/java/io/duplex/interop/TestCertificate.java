package io.duplex.interop;

import io.duplex.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed EC P-256 certificate for {@code localhost} and {@code 127.0.0.1}, made once per
 * JVM by the JDK's {@code keytool} into a fresh directory under {@code target/} (nothing secret is
 * checked in), as PKCS#12 for Duplex and as PEM files for Node and Python.
 *
 * <p>Threading: immutable; {@link #get()} generates once under the class lock.
 */
record TestCertificate(Path keyStore, X509Certificate certificate, Path certificatePem, Path privateKeyPem) {
    static final char[] PASSWORD = "duplex-interop-test-only".toCharArray();
    private static final String ALIAS = "localhost";
    private static TestCertificate instance;

    static synchronized TestCertificate get() {
        if (instance == null) {
            instance = generate();
        }
        return instance;
    }

    /** Duplex server side: the key and certificate. */
    TlsConfig serverTls() {
        try {
            return TlsConfig.pkcs12(keyStore, PASSWORD.clone());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Duplex client side: trusts exactly this certificate, hostname verification on. */
    TlsConfig clientTls() {
        return TlsConfig.client().trustCertificates(certificate);
    }

    /** A client context trusting exactly this certificate (for the JDK's HttpClient). */
    SSLContext clientContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry(ALIAS, certificate);
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Base64 of the SHA-256 of the SubjectPublicKeyInfo, as Chromium's SPKI allow-list wants it. */
    String spkiSha256() {
        try {
            byte[] spki = certificate.getPublicKey().getEncoded();
            return Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(spki));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TestCertificate generate() {
        try {
            Path dir = Files.createTempDirectory(Files.createDirectories(Peers.buildDir()), "interop-tls-");
            Path keyStore = dir.resolve("localhost.p12");
            keytool(keyStore, dir.resolve("keytool.log"));
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                store.load(in, PASSWORD);
            }
            X509Certificate certificate = (X509Certificate) store.getCertificate(ALIAS);
            PrivateKey key = (PrivateKey) store.getKey(ALIAS, PASSWORD);
            Path certificatePem = dir.resolve("localhost-cert.pem");
            Path keyPem = dir.resolve("localhost-key.pem");
            Files.writeString(certificatePem, pem("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII);
            Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
            return new TestCertificate(keyStore, certificate, certificatePem, keyPem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PEM text: base64 in 64-character lines (RFC 7468). */
    private static String pem(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    private static void keytool(Path keyStore, Path log) throws IOException {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                ALIAS,
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=DNS:localhost,IP:127.0.0.1",
                "-startdate",
                "-1d",
                "-validity",
                "30",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-sigalg",
                "SHA256withECDSA",
                "-keystore",
                keyStore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                new String(PASSWORD),
                "-keypass",
                new String(PASSWORD),
                "-noprompt");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + Files.readString(log));
        }
    }
}
