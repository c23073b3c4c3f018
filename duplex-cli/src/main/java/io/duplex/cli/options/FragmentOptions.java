package io.duplex.cli.options;

import io.duplex.protocol.ProtocolConfig;
import picocli.CommandLine.Option;

/**
 * {@code --max-fragments N} and {@code --min-fragment-size BYTES} ({@code serve}, {@code connect}):
 * the fragment rule of {@link ProtocolConfig}. A message may span {@code N} frames whatever their
 * size (default 1024), and more while its frames carry {@code BYTES} bytes each on average (default
 * 32 bytes); otherwise the connection fails with 1008. With {@code --min-fragment-size 0}, {@code
 * N} is a hard count.
 *
 * <p>Threading: picocli sets the fields while parsing; the command reads them on its own thread
 * afterwards.
 */
public final class FragmentOptions {
    @Option(
            names = "--max-fragments",
            paramLabel = "N",
            description = "Frames a message may span whatever their size (default: 1024); see --min-fragment-size.")
    Integer maxFragments;

    @Option(
            names = "--min-fragment-size",
            paramLabel = "BYTES",
            description = {
                "Beyond --max-fragments, the bytes a message's frames must carry on average",
                "(default: 32; else 1008). 0 makes --max-fragments a hard count."
            })
    Integer minFragmentSize;

    /** {@code protocol} with the fragment rule as given (unchanged where an option is absent). */
    public ProtocolConfig applyTo(ProtocolConfig protocol) {
        ProtocolConfig.Builder b = protocol.toBuilder();
        if (maxFragments != null) {
            b.maxFragments(maxFragments);
        }
        if (minFragmentSize != null) {
            b.minFragmentSize(minFragmentSize);
        }
        return b.build();
    }
}
