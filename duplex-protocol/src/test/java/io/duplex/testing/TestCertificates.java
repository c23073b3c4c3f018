package io.duplex.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed certificates made at test time by the JDK's {@code keytool} (nothing secret is
 * checked in), once per JVM.
 *
 * <ul>
 *   <li>{@link #localhost()}: EC P-256, {@code CN=localhost}, SAN {@code DNS:localhost,
 *       IP:127.0.0.1, IP:::1}
 *   <li>{@link #localhostRsa()}: the same names with an RSA 2048 key
 *   <li>{@link #otherHost()}: EC P-256 for {@code other.example} only (hostname mismatch tests)
 *   <li>{@link #multiHost()}: one PKCS#12 with both the localhost and other.example keys (SNI
 *       selection)
 * </ul>
 *
 * <p>Threading: thread-safe; generation happens once under the class lock.
 */
public final class TestCertificates {
    public static final char[] PASSWORD = "duplex-test-only".toCharArray();
    public static final String LOCALHOST_SAN = "DNS:localhost,IP:127.0.0.1,IP:::1";

    /** A generated key pair and certificate, stored in its own PKCS#12 file. */
    public record Generated(Path keyStore, String alias, X509Certificate certificate, PrivateKey privateKey) {
        public char[] password() {
            return PASSWORD.clone();
        }

        /** A server context with this key. */
        public SSLContext serverContext() {
            return TestCertificates.serverContext(keyStore);
        }

        /** A client context that trusts exactly this certificate (nothing else). */
        public SSLContext clientContext() {
            return TestCertificates.clientContext(List.of(this));
        }

        /** Writes the certificate chain and the PKCS#8 key as PEM files into a new temp directory. */
        public PemFiles writePem() {
            try {
                Path dir = tempDirectory();
                Path chain = dir.resolve(alias + "-chain.pem");
                Path key = dir.resolve(alias + "-key.pem");
                Files.writeString(chain, pem("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII);
                Files.writeString(key, pem("PRIVATE KEY", privateKey.getEncoded()), StandardCharsets.US_ASCII);
                chain.toFile().deleteOnExit();
                key.toFile().deleteOnExit();
                return new PemFiles(chain, key);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public record PemFiles(Path certificateChain, Path privateKey) {}

    private static Path directory;
    private static Generated localhost;
    private static Generated localhostRsa;
    private static Generated otherHost;
    private static Path multiHost;

    private TestCertificates() {}

    public static synchronized Generated localhost() {
        if (localhost == null) {
            localhost = generate("localhost", "CN=localhost", LOCALHOST_SAN, false);
        }
        return localhost;
    }

    public static synchronized Generated localhostRsa() {
        if (localhostRsa == null) {
            localhostRsa = generate("localhost-rsa", "CN=localhost", LOCALHOST_SAN, true);
        }
        return localhostRsa;
    }

    public static synchronized Generated otherHost() {
        if (otherHost == null) {
            otherHost = generate("other", "CN=other.example", "DNS:other.example", false);
        }
        return otherHost;
    }

    /**
     * A PKCS#12 (password {@link #PASSWORD}) with the keys of {@link #localhost()} and {@link
     * #otherHost()}.
     */
    public static synchronized Path multiHost() {
        if (multiHost == null) {
            Path file = directory().resolve("multi.p12");
            try (OutputStream out = Files.newOutputStream(file)) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                for (Generated entry : List.of(localhost(), otherHost())) {
                    store.setKeyEntry(
                            entry.alias(), entry.privateKey(), PASSWORD, new Certificate[] {entry.certificate()});
                }
                store.store(out, PASSWORD);
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
            file.toFile().deleteOnExit();
            multiHost = file;
        }
        return multiHost;
    }

    /** A client context that trusts the localhost and other.example certificates (nothing else). */
    public static SSLContext clientContext() {
        return clientContext(List.of(localhost(), localhostRsa(), otherHost()));
    }

    private static SSLContext clientContext(List<Generated> trusted) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (Generated g : trusted) {
                trust.setCertificateEntry(g.alias(), g.certificate());
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A server context from a PKCS#12 file protected by {@link #PASSWORD}. */
    public static SSLContext serverContext(Path keyStore) {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD);
            KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
            factory.init(store, PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(factory.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PEM text: base64 of {@code der} in 64-character lines (RFC 7468). */
    public static String pem(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    private static Generated generate(String alias, String dname, String san, boolean rsa) {
        Path file = directory().resolve(alias + ".p12");
        keytool(file, alias, dname, san, rsa);
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD);
            return new Generated(file, alias, (X509Certificate) store.getCertificate(alias), (PrivateKey)
                    store.getKey(alias, PASSWORD));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot read generated " + file, e);
        }
    }

    private static void keytool(Path file, String alias, String dname, String san, boolean rsa) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                alias,
                "-dname",
                dname,
                "-ext",
                "SAN=" + san,
                "-startdate",
                "-1d",
                "-validity",
                "30",
                "-keystore",
                file.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                new String(PASSWORD),
                "-keypass",
                new String(PASSWORD),
                "-noprompt"));
        command.addAll(
                rsa
                        ? List.of("-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA256withRSA")
                        : List.of("-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA"));
        try {
            Path log = Files.createTempFile(directory(), "keytool-", ".log");
            log.toFile().deleteOnExit();
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool did not finish within 60 s: " + command);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        "keytool failed (" + process.exitValue() + "): " + Files.readString(log));
            }
            file.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static synchronized Path directory() {
        if (directory == null) {
            directory = tempDirectory();
        }
        return directory;
    }

    private static Path tempDirectory() {
        try {
            Path dir = Files.createTempDirectory("duplex-tls-");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
