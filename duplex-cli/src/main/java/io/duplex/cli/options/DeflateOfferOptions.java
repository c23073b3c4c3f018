package io.duplex.cli.options;

import io.duplex.deflate.DeflateConfig;
import picocli.CommandLine.Option;

/**
 * What {@code duplex connect --compress} offers (RFC 7692 §7.1): {@code --client-max-window-bits}
 * (on by default: a bare {@code client_max_window_bits}, §7.1.2.2, so servers that accept only
 * offers carrying it negotiate; a limit they answer with is honoured Huffman-only), {@code
 * --server-max-window-bits N} (§7.1.2.1) and {@code --context-takeover} (§7.1.1; off by default, as
 * in the library).
 *
 * <p>Threading: picocli sets the fields while parsing; the command reads them on its own thread
 * afterwards.
 */
public final class DeflateOfferOptions {
    @Option(
            names = "--client-max-window-bits",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = {
                "With --compress: offer client_max_window_bits (RFC 7692 §7.1.2.2), letting the server",
                "limit our window; a limit under 15 bits is honoured Huffman-only (default: on)."
            })
    boolean clientMaxWindowBits = true;

    @Option(
            names = "--server-max-window-bits",
            paramLabel = "BITS",
            description = "With --compress: offer server_max_window_bits=BITS (8-15, RFC 7692 §7.1.2.1).")
    Integer serverMaxWindowBits;

    @Option(
            names = "--context-takeover",
            description = {
                "With --compress: allow compression context takeover both ways (RFC 7692 §7.1.1);",
                "by default the offer asks for client_no_context_takeover and server_no_context_takeover."
            })
    boolean contextTakeover;

    /** Whether an option of this group was changed from its default (they need {@code --compress}). */
    public boolean given() {
        return !clientMaxWindowBits || serverMaxWindowBits != null || contextTakeover;
    }

    /**
     * @throws IllegalArgumentException when {@code --server-max-window-bits} is not 8–15
     */
    public DeflateConfig config() {
        return DeflateConfig.builder()
                .offerClientMaxWindowBits(clientMaxWindowBits)
                .offerServerMaxWindowBits(serverMaxWindowBits == null ? 0 : serverMaxWindowBits)
                .contextTakeover(contextTakeover)
                .build();
    }
}
