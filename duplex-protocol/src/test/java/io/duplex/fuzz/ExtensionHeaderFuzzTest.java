package io.duplex.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.duplex.deflate.DeflateConfig;
import io.duplex.deflate.PerMessageDeflate;
import io.duplex.extension.Extension;
import io.duplex.extension.ExtensionParameters;
import io.duplex.handshake.ExtensionHeader;
import io.duplex.handshake.ExtensionNegotiation;
import io.duplex.handshake.HandshakeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Target 4: {@link ExtensionHeader#parse} and {@link ExtensionHeader#format} on arbitrary header
 * values, then server-side negotiation of what parsed.
 *
 * <p>Input: the bytes as ISO-8859-1 text (what {@code HttpHeadParser} produces), cut at each LF
 * into several header values (one per header field).
 *
 * <p>Oracles: {@code parse} returns or throws {@link HandshakeException} with 400, nothing else;
 * what it returns is within the documented bounds and made of tokens, so {@code format} accepts
 * it; {@code parse(format(parse(x))) == parse(x)} and {@code format} is a fixed point; the
 * element's {@code toString} is its formatted form. Negotiating the parsed offers against
 * permessage-deflate never throws, and a server's accepted response is acceptable to a client
 * that allows everything; every pooled codec comes back.
 */
class ExtensionHeaderFuzzTest {

    @FuzzTest
    void parseFormat(byte[] data) {
        String all = new String(data, StandardCharsets.ISO_8859_1);
        List<String> values = List.of(all.split("\n", -1));
        List<ExtensionParameters> parsed;
        try {
            parsed = ExtensionHeader.parse(values);
        } catch (HandshakeException e) {
            Check.equal(400, e.status(), "status of a malformed header");
            return;
        }
        Check.that(!parsed.isEmpty(), () -> "parse returned no extension");
        Check.that(parsed.size() <= ExtensionHeader.MAX_ELEMENTS, () -> parsed.size() + " elements");
        for (ExtensionParameters e : parsed) {
            Check.that(
                    e.parameters().size() <= ExtensionHeader.MAX_PARAMETERS,
                    () -> e.parameters().size() + " parameters");
        }
        String formatted = ExtensionHeader.format(parsed);
        List<ExtensionParameters> again = ExtensionHeader.parse(formatted);
        Check.equal(parsed, again, "parse(format(parse(x)))");
        Check.equal(formatted, ExtensionHeader.format(again), "format(parse(format(y)))");
        List<String> elements = new ArrayList<>();
        for (ExtensionParameters e : parsed) {
            elements.add(e.toString());
        }
        Check.equal(formatted, String.join(", ", elements), "toString of the elements");
        negotiate(parsed);
    }

    private static void negotiate(List<ExtensionParameters> offers) {
        CountingDeflaterPool pool = new CountingDeflaterPool();
        PerMessageDeflate server = new PerMessageDeflate(
                DeflateConfig.builder().contextTakeover(true).pool(pool).build());
        PerMessageDeflate client = new PerMessageDeflate(DeflateConfig.builder()
                .contextTakeover(true)
                .offerClientMaxWindowBits(true)
                .pool(pool)
                .build());
        List<Extension> accepted = ExtensionNegotiation.server(offers, List.of(server));
        try {
            Check.that(accepted.size() <= 1, () -> "accepted " + accepted);
            for (Extension e : accepted) {
                ExtensionParameters response = e.negotiated();
                Check.equal(
                        List.of(response),
                        ExtensionHeader.parse(ExtensionHeader.format(List.of(response))),
                        "response round trip");
                Extension c = client.clientAccept(response)
                        .orElseThrow(() -> new AssertionError("client refuses the server's response " + response));
                c.close();
            }
        } finally {
            accepted.forEach(Extension::close);
        }
        pool.checkAllReturned("after negotiation");
        pool.clear();
    }
}
