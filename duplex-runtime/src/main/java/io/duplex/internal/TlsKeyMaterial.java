package io.duplex.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Key and trust managers for {@code io.duplex.TlsConfig}: from a PKCS#12 file, from PEM files, from
 * certificates to trust, or trusting everything.
 *
 * <p>Key managers use the {@code PKIX} algorithm, which picks among several key entries by the
 * client's SNI host name (and by key type), so one keystore can serve several host names.
 *
 * <p>Threading: stateless; the managers it returns are thread-safe.
 */
public final class TlsKeyMaterial {
    /** Protects the in-memory keystore built from PEM files; it never leaves the process. */
    private static final char[] IN_MEMORY_PASSWORD = "duplex-in-memory".toCharArray();

    private TlsKeyMaterial() {}

    /** Key managers for every private key entry of a PKCS#12 file (key password = store password). */
    public static KeyManager[] pkcs12(Path file, char[] password) throws IOException {
        KeyStore store;
        try (InputStream in = Files.newInputStream(file)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read PKCS#12 keystore " + file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            // KeyStore.load reports a wrong password as an IOException caused by UnrecoverableKeyException.
            throw new IOException(
                    "cannot read PKCS#12 keystore " + file + " (wrong password or not PKCS#12?): " + e.getMessage(), e);
        }
        try {
            boolean hasKey = false;
            for (String alias : Collections.list(store.aliases())) {
                hasKey |= store.isKeyEntry(alias);
            }
            if (!hasKey) {
                throw new IOException("no private key entry in PKCS#12 keystore " + file);
            }
            return keyManagers(store, password);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the keys in " + file + ": " + e.getMessage(), e);
        }
    }

    /** Key managers for one private key and its certificate chain (leaf first). */
    public static KeyManager[] of(PrivateKey key, List<X509Certificate> chain) throws GeneralSecurityException {
        requireMatch(key, chain.get(0).getPublicKey());
        KeyStore store = emptyStore();
        try {
            store.setKeyEntry("server", key, IN_MEMORY_PASSWORD, chain.toArray(new Certificate[0]));
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("private key does not fit the certificate: " + e.getMessage(), e);
        }
        return keyManagers(store, IN_MEMORY_PASSWORD);
    }

    /** Trust managers that trust exactly these certificates (PKIX: self-signed leaves or CAs). */
    public static TrustManager[] trusting(List<X509Certificate> certificates) throws GeneralSecurityException {
        KeyStore store = emptyStore();
        int i = 0;
        for (X509Certificate certificate : certificates) {
            store.setCertificateEntry("trusted-" + i++, certificate);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        return factory.getTrustManagers();
    }

    /**
     * Trust managers that accept any certificate. An {@link X509ExtendedTrustManager}, so the JDK
     * does not wrap it with its own hostname check.
     */
    public static TrustManager[] trustingAll() {
        return new TrustManager[] {new TrustAll()};
    }

    /**
     * Signs and verifies a few bytes, so that a key from the wrong file fails here with a clear
     * message rather than at every handshake. Skipped for key types without a plain signature name.
     */
    private static void requireMatch(PrivateKey key, PublicKey certified) throws GeneralSecurityException {
        String algorithm =
                switch (key.getAlgorithm()) {
                    case "RSA" -> "SHA256withRSA";
                    case "EC" -> "SHA256withECDSA";
                    case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
                    default -> null;
                };
        if (algorithm == null) {
            return;
        }
        if (!key.getAlgorithm().equals(certified.getAlgorithm())) {
            throw new GeneralSecurityException("the private key is " + key.getAlgorithm()
                    + " but the certificate's public key is " + certified.getAlgorithm());
        }
        byte[] probe = "duplex key check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(certified);
        verifier.update(probe);
        if (!verifier.verify(signature)) {
            throw new GeneralSecurityException("the private key does not match the certificate's public key");
        }
    }

    private static KeyManager[] keyManagers(KeyStore store, char[] password) throws GeneralSecurityException {
        KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
        factory.init(store, password);
        return factory.getKeyManagers();
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        return store;
    }

    private static final class TrustAll extends X509ExtendedTrustManager {
        private static final X509Certificate[] NONE = new X509Certificate[0];

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return NONE;
        }
    }
}
