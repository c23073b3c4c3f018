/**
 * RFC 7692 permessage-deflate, sans-I/O and memory-bounded.
 *
 * <p>{@link io.duplex.deflate.PerMessageDeflate} negotiates the extension (all four RFC 7692 §7
 * parameters) and creates a {@link io.duplex.deflate.DeflateExtension} per connection. Without
 * context takeover, deflaters and inflaters are borrowed from a {@link
 * io.duplex.deflate.DeflaterPool} for one message and given back right after it, so an idle
 * compressed connection holds none; inflation is capped by the message limit while it runs.
 */
package io.duplex.deflate;
