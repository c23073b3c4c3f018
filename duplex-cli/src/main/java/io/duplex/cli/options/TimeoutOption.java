package io.duplex.cli.options;

import io.duplex.cli.Usage;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --timeout DURATION} (plain seconds, or {@code ms}, {@code s}, {@code m}: {@link Seconds}): how long a client ({@code connect}, {@code bench}, {@code inspect})
 * allows to connect and complete an opening handshake.
 *
 * <p>Threading: picocli sets the field while parsing; the command reads it on its own thread
 * afterwards.
 */
public final class TimeoutOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            converter = Seconds.Converter.class,
            defaultValue = "10",
            description =
                    "Time allowed to connect and complete each opening handshake, e.g. 10, 5s, 500ms (default: ${DEFAULT-VALUE} s).")
    double seconds;

    /**
     * @return the timeout, at least 1 ms
     * @throws picocli.CommandLine.ParameterException when it is not above 0 and at most 86400 s
     */
    public Duration timeout() {
        Usage.seconds(mixee, "--timeout", seconds, false);
        return Duration.ofMillis(Math.max(1, Math.round(seconds * 1000)));
    }
}
