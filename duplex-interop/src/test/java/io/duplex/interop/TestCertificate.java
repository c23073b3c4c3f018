package io.duplex.interop;

import io.duplex.TlsConfig;
import io.duplex.testing.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * The kit's {@link TestCertificates#localhost()} certificate as the interop tests hand it out: as
 * Duplex TLS configurations ({@code generated().clientContext()} for the JDK's HttpClient), as PEM
 * files for Node and Python (written once per JVM) and as an SPKI pin for Chromium.
 *
 * <p>Threading: immutable; {@link #get()} writes the PEM files once under the class lock.
 */
record TestCertificate(TestCertificates.Generated generated, Path certificatePem, Path privateKeyPem) {
    private static TestCertificate instance;

    static synchronized TestCertificate get() {
        if (instance == null) {
            TestCertificates.Generated localhost = TestCertificates.localhost();
            TestCertificates.PemFiles pem = localhost.writePem();
            instance = new TestCertificate(localhost, pem.certificateChain(), pem.privateKey());
        }
        return instance;
    }

    /** Duplex server side: the key and certificate. */
    TlsConfig serverTls() {
        try {
            return TlsConfig.pkcs12(generated.keyStore(), generated.password());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Duplex client side: trusts exactly this certificate, hostname verification on. */
    TlsConfig clientTls() {
        return TlsConfig.client().trustCertificates(generated.certificate());
    }

    /** Base64 of the SHA-256 of the SubjectPublicKeyInfo, as Chromium's SPKI allow-list wants it. */
    String spkiSha256() {
        try {
            byte[] spki = generated.certificate().getPublicKey().getEncoded();
            return Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(spki));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
