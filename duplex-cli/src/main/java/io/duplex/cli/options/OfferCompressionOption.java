package io.duplex.cli.options;

import picocli.CommandLine.Option;

/**
 * {@code --compress} for the clients ({@code connect}, {@code bench}): offer permessage-deflate.
 * Off unless given, unlike the library, so that what the client sends is what crosses the wire
 * (readable in {@code duplex inspect}, comparable with other load generators).
 *
 * <p>Threading: picocli sets the field while parsing; the command reads it on its own thread
 * afterwards.
 */
public final class OfferCompressionOption {
    @Option(
            names = "--compress",
            description = "Offer permessage-deflate (RFC 7692). Off by default here (the library's default"
                    + " is on) so that the wire carries what was sent.")
    boolean compress;

    /** Whether {@code --compress} was given. */
    public boolean compress() {
        return compress;
    }
}
