package io.duplex.cli.options;

import io.duplex.cli.Usage;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --host} and {@code -p/--port}: where a command that serves WebSocket and HTTP on one port
 * ({@code serve}, {@code demo}) listens.
 *
 * <p>Threading: picocli sets the fields while parsing; the command reads them on its own thread
 * afterwards.
 */
public final class ListenOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(
            names = "--host",
            paramLabel = "HOST",
            defaultValue = "0.0.0.0",
            description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = {"-p", "--port"},
            paramLabel = "PORT",
            defaultValue = "8080",
            description = "Port to listen on; 0 picks a free one, printed when ready (default: ${DEFAULT-VALUE}).")
    int port;

    /** The address to bind: a host name or an IPv4 or IPv6 literal. */
    public String host() {
        return host;
    }

    /**
     * @return the port, 0 for any free one
     * @throws picocli.CommandLine.ParameterException when it is not between 0 and 65535
     */
    public int port() {
        if (port < 0 || port > 65535) {
            throw Usage.error(mixee, "--port must be between 0 and 65535: " + port);
        }
        return port;
    }
}
