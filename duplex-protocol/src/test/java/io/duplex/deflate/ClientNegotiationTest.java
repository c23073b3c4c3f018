package io.duplex.deflate;

import static io.duplex.deflate.DeflateTesting.decode;
import static io.duplex.deflate.DeflateTesting.json;
import static io.duplex.deflate.DeflateTesting.offer;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.deflate.DeflateTesting.CountingBudget;
import io.duplex.extension.Extension;
import io.duplex.extension.ExtensionParameters;
import io.duplex.frame.Rsv;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 7692 §7 from the client's side: what it offers and which responses it accepts. */
class ClientNegotiationTest {

    private final PerMessageDeflate factory = new PerMessageDeflate();
    private final PerMessageDeflate withWindowOffer = new PerMessageDeflate(
            DeflateConfig.builder().offerClientMaxWindowBits(true).build());

    private static Optional<Extension> accept(PerMessageDeflate factory, ExtensionParameters response) {
        Optional<Extension> e = factory.clientAccept(response);
        e.ifPresent(Extension::close);
        return e;
    }

    @Test
    void offersNoContextTakeoverBothWaysByDefault() {
        assertThat(factory.clientOffers())
                .extracting(ExtensionParameters::toString)
                .containsExactly("permessage-deflate; client_no_context_takeover; server_no_context_takeover");
    }

    @Test
    void offersWhatTheConfigAllows() {
        PerMessageDeflate all = new PerMessageDeflate(DeflateConfig.builder()
                .contextTakeover(true)
                .offerClientMaxWindowBits(true)
                .build());

        assertThat(all.clientOffers())
                .extracting(ExtensionParameters::toString)
                .containsExactly("permessage-deflate; client_max_window_bits");
    }

    @Test
    void offersAServerWindowAndHoldsTheServerToIt() {
        PerMessageDeflate small = new PerMessageDeflate(DeflateConfig.builder()
                .offerServerMaxWindowBits(10)
                .offerClientMaxWindowBits(true)
                .build());
        assertThat(small.clientOffers())
                .extracting(ExtensionParameters::toString)
                .containsExactly("permessage-deflate; client_no_context_takeover; server_no_context_takeover;"
                        + " server_max_window_bits=10; client_max_window_bits");
        // RFC 7692 §7.1.2.1: accepted means echoed with the same or a smaller value.
        assertThat(accept(small, offer("server_no_context_takeover", "server_max_window_bits=10")))
                .isPresent();
        assertThat(accept(small, offer("server_no_context_takeover", "server_max_window_bits=9")))
                .isPresent();
        assertThat(accept(small, offer("server_no_context_takeover", "server_max_window_bits=11")))
                .isEmpty();
        assertThat(accept(small, offer("server_no_context_takeover"))).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        DeflateConfig.builder().offerServerMaxWindowBits(7).build())
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        DeflateConfig.builder().offerServerMaxWindowBits(16).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsTheResponseToItsDefaultOffer() {
        DeflateExtension e =
                (DeflateExtension) accept(factory, offer("server_no_context_takeover", "client_no_context_takeover"))
                        .orElseThrow();

        assertThat(e.negotiated())
                .hasToString("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
        assertThat(e.rsv()).isEqualTo(Rsv.RSV1);
        assertThat(e.sendContextTakeover()).isFalse();
        assertThat(e.receiveContextTakeover()).isFalse();
        assertThat(e.sharesCompressedPayloads()).isTrue();
    }

    @Test
    void theServerMayLeaveOutClientNoContextTakeoverButTheClientStillDoesNotUseIt() {
        DeflateExtension e = (DeflateExtension)
                accept(factory, offer("server_no_context_takeover")).orElseThrow();

        assertThat(e.sendContextTakeover()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"8", "10", "15"})
    void theServerMayLimitItsOwnWindow(String bits) {
        // RFC 7692 §7.1.2.1: allowed even when not offered; our inflater takes any window.
        assertThat(accept(factory, offer("server_no_context_takeover", "server_max_window_bits=" + bits)))
                .isPresent();
    }

    @Test
    void rejectsAResponseWithoutTheServerNoContextTakeoverItAskedFor() {
        // RFC 7692 §7.1.1.1: a server accepting the offer must include it.
        assertThat(accept(factory, offer())).isEmpty();
        assertThat(accept(factory, offer("client_no_context_takeover"))).isEmpty();
    }

    @Test
    void rejectsAClientWindowItDidNotOffer() {
        // RFC 7692 §7.1.2.2.
        assertThat(accept(factory, offer("server_no_context_takeover", "client_max_window_bits=15")))
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "client_max_window_bits",
                "client_max_window_bits=7",
                "client_max_window_bits=16",
                "server_max_window_bits",
                "server_max_window_bits=09",
                "server_no_context_takeover=1",
                "client_no_context_takeover=",
                "unknown",
                "server_no_context_takeover"
            })
    void rejectsAMalformedResponse(String param) {
        // The last one is a duplicate (the response already has it).
        assertThat(accept(withWindowOffer, offer("server_no_context_takeover", param)))
                .isEmpty();
    }

    @Test
    void aClientWindowOf15IsNoLimitAtAll() {
        DeflateExtension e = (DeflateExtension)
                accept(withWindowOffer, offer("server_no_context_takeover", "client_max_window_bits=15"))
                        .orElseThrow();

        assertThat(e.sendWindowBits()).isEqualTo(15);
        assertThat(e.sharesCompressedPayloads()).isTrue();
    }

    @Test
    void aClientWindowUnder15IsHonouredWithHuffmanOnlyCompression() {
        DeflateConfig config = DeflateConfig.builder()
                .offerClientMaxWindowBits(true)
                .threshold(0)
                .build();
        DeflateExtension client = (DeflateExtension) new PerMessageDeflate(config)
                .clientAccept(offer("server_no_context_takeover", "client_max_window_bits=9"))
                .orElseThrow();
        DeflateExtension server = (DeflateExtension) new PerMessageDeflate(config)
                .serverAccept(java.util.List.of(offer()))
                .orElseThrow();
        try {
            assertThat(client.sendWindowBits()).isEqualTo(9);
            assertThat(client.sharesCompressedPayloads()).isFalse();
            byte[] repetitive = "a".repeat(10_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] text = json(10_000, 1);

            Extension.Encoded a = client.encode(true, ByteBuffer.wrap(repetitive));
            Extension.Encoded t = client.encode(true, ByteBuffer.wrap(text));

            // No LZ77 matches: at least one bit per byte, where a window would give a few dozen bytes.
            assertThat(a.rsv()).isEqualTo(Rsv.RSV1);
            assertThat(a.payload().remaining()).isGreaterThanOrEqualTo(10_000 / 8);
            assertThat(t.payload().remaining()).isLessThan(text.length);
            assertThat(decode(server, a.payload())).isEqualTo(repetitive);
            assertThat(decode(server, t.payload())).isEqualTo(text);
        } finally {
            client.close();
            server.close();
        }
    }

    @Test
    void withContextTakeoverConfiguredTheClientUsesWhatTheServerGrants() {
        CountingBudget budget = new CountingBudget();
        PerMessageDeflate takeover = new PerMessageDeflate(
                DeflateConfig.builder().contextTakeover(true).budget(budget).build());

        DeflateExtension both =
                (DeflateExtension) takeover.clientAccept(offer()).orElseThrow();
        DeflateExtension receiveOnly = (DeflateExtension)
                takeover.clientAccept(offer("client_no_context_takeover")).orElseThrow();
        DeflateExtension sendOnly = (DeflateExtension)
                takeover.clientAccept(offer("server_no_context_takeover")).orElseThrow();
        DeflateExtension neither = (DeflateExtension)
                takeover.clientAccept(offer("server_no_context_takeover", "client_no_context_takeover"))
                        .orElseThrow();

        assertThat(both.sendContextTakeover()).isTrue();
        assertThat(both.receiveContextTakeover()).isTrue();
        assertThat(receiveOnly.sendContextTakeover()).isFalse();
        assertThat(receiveOnly.receiveContextTakeover()).isTrue();
        assertThat(sendOnly.sendContextTakeover()).isTrue();
        assertThat(sendOnly.receiveContextTakeover()).isFalse();
        assertThat(neither.sendContextTakeover()).isFalse();
        assertThat(budget.acquired).isEqualTo(3);
        both.close();
        receiveOnly.close();
        sendOnly.close();
        neither.close();
        assertThat(budget.released).isEqualTo(3);
    }

    @Test
    void aRefusedPermitTurnsOffOnlyTheClientsOwnContextTakeover() {
        CountingBudget budget = new CountingBudget();
        budget.refuse = true;
        PerMessageDeflate takeover = new PerMessageDeflate(
                DeflateConfig.builder().contextTakeover(true).budget(budget).build());

        DeflateExtension e = (DeflateExtension) takeover.clientAccept(offer()).orElseThrow();
        e.close();

        assertThat(e.sendContextTakeover()).isFalse();
        assertThat(e.receiveContextTakeover()).isTrue();
        assertThat(budget.released).isZero();
    }
}
