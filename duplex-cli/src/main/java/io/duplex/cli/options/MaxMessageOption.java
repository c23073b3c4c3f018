package io.duplex.cli.options;

import io.duplex.protocol.ProtocolConfig;
import picocli.CommandLine.Option;

/**
 * {@code --max-message SIZE}: the largest message an endpoint accepts ({@code serve}, {@code
 * connect}); 1 MiB, the library's default, when not given. The library checks the value against
 * the other limits when the command builds its configuration.
 *
 * <p>Threading: picocli sets the field while parsing; the command reads it on its own thread
 * afterwards.
 */
public final class MaxMessageOption {
    @Option(
            names = "--max-message",
            paramLabel = "SIZE",
            converter = ByteSize.Converter.class,
            description = "Largest message accepted, e.g. 512k, 64m, 1g (default: 1m).")
    Long bytes;

    /** The limit in bytes: as given, or {@link ProtocolConfig#DEFAULT_MAX_SIZE}. */
    public long bytes() {
        return bytes != null ? bytes : ProtocolConfig.DEFAULT_MAX_SIZE;
    }
}
