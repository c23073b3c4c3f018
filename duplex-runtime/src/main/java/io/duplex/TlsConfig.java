package io.duplex;

import io.duplex.internal.PemReader;
import io.duplex.internal.TlsKeyMaterial;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * TLS settings for {@code wss://}: key material for a server, trust for a client, and the rules
 * every connection follows — TLS 1.3 and 1.2 only, ALPN {@code http/1.1}, SNI.
 *
 * <p>Server side: {@link #pkcs12(Path, char[])}, {@link #pem(Path, Path)} or {@link
 * #server(SSLContext)}. The server selects ALPN {@code http/1.1} when the client offers it (and
 * goes on without ALPN otherwise) and records the SNI host name the client asked for. A PKCS#12
 * file with several key entries serves several host names: the entry whose certificate matches the
 * client's SNI name is chosen.
 *
 * <p>Client side: {@link #client()} trusts the JDK's trust store, verifies that the server's
 * certificate matches the host name ({@code SSLParameters.setEndpointIdentificationAlgorithm
 * ("HTTPS")}, RFC 2818/6125), sends SNI with the host name and offers ALPN {@code http/1.1}.
 * {@link #trustCertificates} replaces the trust store with given certificates (self-signed
 * servers, private CAs); {@link #insecure()} turns all checks off.
 *
 * <p>Values are immutable; the {@code with}-style methods ({@link #trustCertificates}, {@link
 * #insecure()}, {@link #protocols(String...)}) return a new config. Loading files and building
 * the {@link SSLContext} happen once, when the config is made, so errors surface at startup.
 *
 * <p>Threading: immutable and thread-safe. Share one instance across servers, clients and
 * threads; every connection gets its own engine from {@link #newEngine}.
 */
public final class TlsConfig {
    /** The ALPN protocol id offered and selected (RFC 7301); WebSocket upgrades over HTTP/1.1. */
    public static final String HTTP_1_1 = "http/1.1";

    private static final List<String> SUPPORTED_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final SSLContext context;
    /** Null when the context came from the caller (then trust is fixed) or is the JDK default. */
    private final KeyManager[] keyManagers;
    /** Null means the JDK's default trust store. */
    private final TrustManager[] trustManagers;

    private final boolean callerContext;
    private final boolean insecure;
    private final List<String> protocols;

    private TlsConfig(
            SSLContext context,
            KeyManager[] keyManagers,
            TrustManager[] trustManagers,
            boolean callerContext,
            boolean insecure,
            List<String> protocols) {
        this.context = context;
        this.keyManagers = keyManagers;
        this.trustManagers = trustManagers;
        this.callerContext = callerContext;
        this.insecure = insecure;
        this.protocols = protocols;
    }

    /**
     * A server config from a PKCS#12 keystore ({@code .p12}/{@code .pfx}) whose key entries are
     * protected by the store password.
     *
     * @throws IOException when the file cannot be read, the password is wrong, or it holds no key
     */
    public static TlsConfig pkcs12(Path keyStore, char[] password) throws IOException {
        Objects.requireNonNull(keyStore, "keyStore");
        Objects.requireNonNull(password, "password");
        return withKeys(TlsKeyMaterial.pkcs12(keyStore, password));
    }

    /**
     * A server config from PEM files: the certificate chain (leaf first, then intermediates) and
     * its unencrypted private key — PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC, EdDSA) or PKCS#1
     * ({@code BEGIN RSA PRIVATE KEY}), as written by Let's Encrypt clients and {@code openssl}.
     *
     * @throws IOException when a file cannot be read or parsed
     */
    public static TlsConfig pem(Path certificateChain, Path privateKey) throws IOException {
        List<X509Certificate> chain = PemReader.certificates(certificateChain);
        PrivateKey key =
                PemReader.privateKey(privateKey, chain.get(0).getPublicKey().getAlgorithm());
        try {
            return withKeys(TlsKeyMaterial.of(key, chain));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use " + privateKey + " with " + certificateChain + ": " + e.getMessage(), e);
        }
    }

    /** A server config around an {@link SSLContext} built by the caller (keys, trust, provider). */
    public static TlsConfig server(SSLContext context) {
        return new TlsConfig(Objects.requireNonNull(context, "context"), null, null, true, false, SUPPORTED_PROTOCOLS);
    }

    /** A client config: the JDK's trust store, hostname verification on, SNI, ALPN http/1.1. */
    public static TlsConfig client() {
        return new TlsConfig(buildContext(null, null), null, null, false, false, SUPPORTED_PROTOCOLS);
    }

    /**
     * A client config around an {@link SSLContext} built by the caller (its trust managers decide
     * which certificates are trusted). Hostname verification stays on.
     */
    public static TlsConfig client(SSLContext context) {
        return new TlsConfig(Objects.requireNonNull(context, "context"), null, null, true, false, SUPPORTED_PROTOCOLS);
    }

    /**
     * Trusts exactly the certificates in a PEM file instead of the JDK's trust store (self-signed
     * certificates, a private CA). Hostname verification stays on.
     *
     * @throws IllegalStateException when this config wraps a caller's {@link SSLContext}
     */
    public TlsConfig trustCertificates(Path pem) throws IOException {
        return trustCertificates(PemReader.certificates(pem).toArray(new X509Certificate[0]));
    }

    /**
     * Trusts exactly these certificates instead of the JDK's trust store. Hostname verification
     * stays on.
     *
     * @throws IllegalStateException when this config wraps a caller's {@link SSLContext}
     */
    public TlsConfig trustCertificates(X509Certificate... certificates) {
        if (certificates.length == 0) {
            throw new IllegalArgumentException("no certificates to trust");
        }
        requireOwnContext("trustCertificates");
        try {
            TrustManager[] trust = TlsKeyMaterial.trusting(List.of(certificates));
            return new TlsConfig(buildContext(keyManagers, trust), keyManagers, trust, false, false, protocols);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot trust these certificates: " + e.getMessage(), e);
        }
    }

    /**
     * DANGEROUS: accepts any server certificate and skips hostname verification, so anyone on the
     * network path can read and change the traffic. For tests and the CLI's {@code --insecure}
     * only; never in production. Traffic is still encrypted.
     *
     * @throws IllegalStateException when this config wraps a caller's {@link SSLContext}
     */
    public TlsConfig insecure() {
        requireOwnContext("insecure");
        TrustManager[] trust = TlsKeyMaterial.trustingAll();
        return new TlsConfig(buildContext(keyManagers, trust), keyManagers, trust, false, true, protocols);
    }

    /**
     * Restricts the protocol versions, e.g. {@code protocols("TLSv1.3")}. Only {@code TLSv1.3} and
     * {@code TLSv1.2} are allowed.
     */
    public TlsConfig protocols(String... protocols) {
        List<String> chosen = List.of(protocols);
        if (chosen.isEmpty() || !SUPPORTED_PROTOCOLS.containsAll(chosen)) {
            throw new IllegalArgumentException(
                    "protocols must be a non-empty subset of " + SUPPORTED_PROTOCOLS + ": " + chosen);
        }
        List<String> ordered =
                SUPPORTED_PROTOCOLS.stream().filter(chosen::contains).toList();
        return new TlsConfig(context, keyManagers, trustManagers, callerContext, insecure, ordered);
    }

    /** The enabled protocol versions, newest first. */
    public List<String> protocols() {
        return protocols;
    }

    /** True unless {@link #insecure()}: client engines check the certificate's host name. */
    public boolean hostnameVerification() {
        return !insecure;
    }

    /** True after {@link #insecure()}: any certificate is accepted. */
    public boolean isInsecure() {
        return insecure;
    }

    /** The context engines are made from. */
    public SSLContext sslContext() {
        return context;
    }

    /**
     * A new engine for one connection, with this config's protocols and ALPN; for a client also SNI
     * and hostname verification for {@code peerHost}.
     *
     * @param peerHost the host name (or IP literal) the client connects to; may be null for a
     *     server, required for a verifying client
     * @param peerPort the peer's port, or -1 (used only as a session-cache key)
     * @param clientMode true to connect, false to accept
     */
    public SSLEngine newEngine(String peerHost, int peerPort, boolean clientMode) {
        SSLEngine engine = peerHost == null ? context.createSSLEngine() : context.createSSLEngine(peerHost, peerPort);
        engine.setUseClientMode(clientMode);
        SSLParameters parameters = engine.getSSLParameters();
        List<String> supported = Arrays.asList(engine.getSupportedProtocols());
        parameters.setProtocols(protocols.stream().filter(supported::contains).toArray(String[]::new));
        if (clientMode) {
            if (!insecure) {
                if (peerHost == null) {
                    throw new IllegalArgumentException("hostname verification needs the peer's host name");
                }
                // RFC 2818 §3.1 / RFC 6125: the certificate must name the host we meant to reach.
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
            }
            SNIHostName sni = sniHostName(peerHost);
            if (sni != null) {
                parameters.setServerNames(List.of(sni));
            }
            parameters.setApplicationProtocols(new String[] {HTTP_1_1});
        }
        engine.setSSLParameters(parameters);
        if (!clientMode) {
            // Select http/1.1 when offered; "" = carry on without ALPN rather than fail the handshake.
            engine.setHandshakeApplicationProtocolSelector((e, offered) -> offered.contains(HTTP_1_1) ? HTTP_1_1 : "");
        }
        return engine;
    }

    @Override
    public String toString() {
        return "TlsConfig[protocols=" + protocols
                + (keyManagers != null ? ", keys" : "")
                + (callerContext ? ", caller's SSLContext" : "")
                + (insecure ? ", INSECURE" : trustManagers != null ? ", custom trust" : "")
                + "]";
    }

    /** RFC 6066 §3: SNI carries a DNS host name, never an IP literal, without the trailing dot. */
    static SNIHostName sniHostName(String host) {
        if (host == null
                || host.isEmpty()
                || host.indexOf(':') >= 0
                || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            return null;
        }
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        try {
            return new SNIHostName(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static TlsConfig withKeys(KeyManager[] keys) {
        return new TlsConfig(buildContext(keys, null), keys, null, false, false, SUPPORTED_PROTOCOLS);
    }

    private void requireOwnContext(String method) {
        if (callerContext) {
            throw new IllegalStateException(
                    method + "() cannot change a caller's SSLContext; configure its trust managers instead");
        }
    }

    private static SSLContext buildContext(KeyManager[] keys, TrustManager[] trust) {
        try {
            if (keys == null && trust == null) {
                return SSLContext.getDefault();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot create a TLS context: " + e.getMessage(), e);
        }
    }
}
