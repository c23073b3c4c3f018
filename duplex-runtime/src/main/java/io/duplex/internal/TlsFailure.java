package io.duplex.internal;

import java.io.IOException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;

/**
 * Turns an {@link SSLException} into an {@link IOException} whose message says what went wrong in
 * words an operator can act on ("server certificate does not match localhost: …") rather than the
 * JSSE internals alone. The original exception stays attached as the cause.
 *
 * <p>Threading: stateless.
 */
final class TlsFailure {
    private TlsFailure() {}

    /**
     * @param phase what was going on, e.g. "TLS handshake failed"
     * @param clientMode whether the failing side is the client (then a rejected certificate is the
     *     server's)
     */
    static IOException of(String phase, SSLException e, boolean clientMode) {
        return new IOException(phase + ": " + reason(e, clientMode), e);
    }

    static String reason(SSLException e, boolean clientMode) {
        String peer = clientMode ? "server" : "client";
        CertificateException certificate = certificateCause(e);
        if (certificate != null) {
            String detail = String.valueOf(certificate.getMessage());
            if (detail.startsWith("No subject alternative") || detail.startsWith("No name matching")) {
                return peer + " certificate does not match the host name (hostname verification): " + detail;
            }
            if (detail.contains("unable to find valid certification path")) {
                return peer + " certificate is not trusted (unable to find valid certification path"
                        + " to a trusted certificate): " + detail;
            }
            return peer + " certificate rejected: " + detail;
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("Received fatal alert")) {
            return "the peer refused the connection (" + message + ")";
        }
        if (message.contains("nrecognized SSL message")) {
            return "the peer does not speak TLS, plain HTTP on a TLS port? (" + message + ")";
        }
        if (message.contains("No appropriate protocol")) {
            return message + " (no TLS version in common; only TLSv1.3 and TLSv1.2 are enabled)";
        }
        return message;
    }

    private static CertificateException certificateCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException c) {
                return c;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
