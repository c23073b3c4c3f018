package io.duplex.cli.options;

import io.duplex.TlsConfig;
import io.duplex.cli.Usage;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * How a client ({@code connect}, {@code bench}, {@code inspect}'s upstream side) trusts a {@code
 * wss://} server: the platform's trust store by default; {@code --cacert FILE} trusts the PEM
 * certificates in FILE instead (a private CA or a self-signed server, host names still checked);
 * {@code -k/--insecure} accepts any certificate and host name. Each command warns about {@code
 * --insecure} in its own words.
 *
 * <p>Threading: picocli sets the fields while parsing; the command reads them on its own thread
 * afterwards.
 */
public final class InsecureOption {
    @Option(
            names = {"-k", "--insecure"},
            description = "wss://: accept any certificate and host name. Unsafe: for testing only.")
    boolean insecure;

    @Option(
            names = "--cacert",
            paramLabel = "FILE",
            description = "wss://: trust the PEM certificate(s) in FILE (a private CA or a self-signed"
                    + " server) instead of the platform's trust store; host names are still checked.")
    Path caCert;

    /** Whether {@code --insecure} was given. */
    public boolean insecure() {
        return insecure;
    }

    /** Whether the client TLS differs from the platform default ({@code --insecure} or {@code --cacert}). */
    public boolean configured() {
        return insecure || caCert != null;
    }

    /**
     * Client TLS: the platform's trust store and host name check; with {@code --cacert} the file's
     * certificates; with {@code --insecure} neither check. A file that cannot be read or holds no
     * certificate, or both options at once, is a usage error.
     */
    public TlsConfig clientTls(CommandSpec spec) {
        if (insecure && caCert != null) {
            throw Usage.error(spec, "--cacert and --insecure exclude each other: trust a file, or nothing");
        }
        if (insecure) {
            return TlsConfig.client().insecure();
        }
        if (caCert == null) {
            return TlsConfig.client();
        }
        try {
            return TlsConfig.client().trustCertificates(caCert);
        } catch (IOException | RuntimeException e) {
            throw Usage.error(spec, "--cacert " + caCert + ": " + describe(e));
        }
    }

    private static String describe(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
