package io.duplex.cli.options;

import io.duplex.WebSocketConfig;
import io.duplex.cli.Usage;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --message-timeout DURATION} ({@code serve}, {@code connect}): the time allowed to receive
 * one message, first byte to last ({@link WebSocketConfig#messageTimeout}); a peer slower than that
 * is failed with 1008. 60 s when not given; 0 turns it off.
 *
 * <p>Threading: picocli sets the field while parsing; the command reads it on its own thread
 * afterwards.
 */
public final class MessageTimeoutOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(
            names = "--message-timeout",
            paramLabel = "DURATION",
            converter = Seconds.Converter.class,
            description = {
                "Time allowed to receive one message, first byte to last, e.g. 60, 30s, 2m; a slower",
                "peer is failed with 1008 (default: 60 s; 0: no limit)."
            })
    Double seconds;

    /** The timeout as given (ZERO: off), or the library's default. */
    public Duration timeout() {
        if (seconds == null) {
            return WebSocketConfig.DEFAULT_MESSAGE_TIMEOUT;
        }
        Usage.seconds(mixee, "--message-timeout", seconds, true);
        return Duration.ofMillis(Math.round(seconds * 1000));
    }
}
