package io.duplex.cli.options;

import io.duplex.TlsConfig;
import picocli.CommandLine.Option;

/**
 * {@code -k/--insecure}: a client ({@code connect}, {@code bench}, {@code inspect}'s upstream side)
 * accepts any certificate and host name on {@code wss://}. Each command warns in its own words.
 *
 * <p>Threading: picocli sets the field while parsing; the command reads it on its own thread
 * afterwards.
 */
public final class InsecureOption {
    @Option(
            names = {"-k", "--insecure"},
            description = "wss://: accept any certificate and host name. Unsafe: for testing only.")
    boolean insecure;

    /** Whether {@code --insecure} was given. */
    public boolean insecure() {
        return insecure;
    }

    /** Client TLS: the platform's trust store and host name check, or, with --insecure, neither. */
    public TlsConfig clientTls() {
        return insecure ? TlsConfig.client().insecure() : TlsConfig.client();
    }
}
