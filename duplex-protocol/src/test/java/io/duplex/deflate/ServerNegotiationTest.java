package io.duplex.deflate;

import static io.duplex.deflate.DeflateTesting.offer;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.deflate.DeflateTesting.CountingBudget;
import io.duplex.extension.Extension;
import io.duplex.extension.ExtensionParameters;
import io.duplex.frame.Rsv;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 7692 §7 from the server's side: which offer is accepted, and what the response says. */
class ServerNegotiationTest {

    private final PerMessageDeflate factory = new PerMessageDeflate();

    private Optional<Extension> accept(ExtensionParameters... offers) {
        return accept(factory, offers);
    }

    private static Optional<Extension> accept(PerMessageDeflate factory, ExtensionParameters... offers) {
        Optional<Extension> e = factory.serverAccept(List.of(offers));
        e.ifPresent(Extension::close);
        return e;
    }

    private String response(ExtensionParameters... offers) {
        return accept(offers).orElseThrow().negotiated().toString();
    }

    @Test
    void factoryNamesTheExtensionAndClaimsRsv1() {
        assertThat(factory.name()).isEqualTo("permessage-deflate");
        assertThat(factory.rsv()).isEqualTo(Rsv.RSV1);
        assertThat(accept(offer()).orElseThrow().rsv()).isEqualTo(Rsv.RSV1);
        assertThat(factory.config()).isEqualTo(DeflateConfig.DEFAULT);
        assertThat(factory)
                .hasToString(
                        "PerMessageDeflate[permessage-deflate; client_no_context_takeover; server_no_context_takeover]");
    }

    @Test
    void byDefaultNeitherDirectionUsesContextTakeover() {
        assertThat(response(offer()))
                .isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
        DeflateExtension e = (DeflateExtension) accept(offer()).orElseThrow();
        assertThat(e.sendContextTakeover()).isFalse();
        assertThat(e.receiveContextTakeover()).isFalse();
        assertThat(e.sendWindowBits()).isEqualTo(15);
        assertThat(e.sharesCompressedPayloads()).isTrue();
        assertThat(e).hasToString(e.negotiated().toString());
    }

    @Test
    void noOffersNothingAccepted() {
        assertThat(accept()).isEmpty();
    }

    @Test
    void theOffersOfTheNoContextTakeoverParametersAreAccepted() {
        assertThat(response(offer("server_no_context_takeover", "client_no_context_takeover")))
                .isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
        assertThat(response(offer("Client_No_Context_Takeover")))
                .isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
    }

    @Test
    void serverMaxWindowBits15IsEchoed() {
        assertThat(response(offer("server_max_window_bits=15")))
                .isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover;"
                        + " server_max_window_bits=15");
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 9, 10, 12, 14})
    void aServerWindowUnder15IsEchoedAndHonouredWithHuffmanOnlyCompression(int bits) {
        PerMessageDeflate server =
                new PerMessageDeflate(DeflateConfig.builder().threshold(0).build());
        DeflateExtension e = (DeflateExtension) server.serverAccept(List.of(offer("server_max_window_bits=" + bits)))
                .orElseThrow();
        DeflateExtension client = (DeflateExtension)
                new PerMessageDeflate().clientAccept(e.negotiated()).orElseThrow();
        try {
            // RFC 7692 §7.1.2.1: accepted means echoed, with the offered value.
            assertThat(e.negotiated().toString())
                    .isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover;"
                            + " server_max_window_bits=" + bits);
            assertThat(e.sendWindowBits()).isEqualTo(bits);
            // The shared full-window encoding would not honour the window.
            assertThat(e.sharesCompressedPayloads()).isFalse();
            byte[] repetitive = "a".repeat(10_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] text = DeflateTesting.json(10_000, 1);
            Extension.Encoded a = e.encode(true, java.nio.ByteBuffer.wrap(repetitive));
            Extension.Encoded t = e.encode(true, java.nio.ByteBuffer.wrap(text));
            // No LZ77 matches: at least one bit per byte, where a window would give a few dozen bytes.
            assertThat(a.rsv()).isEqualTo(Rsv.RSV1);
            assertThat(a.payload().remaining()).isGreaterThanOrEqualTo(10_000 / 8);
            assertThat(t.payload().remaining()).isLessThan(text.length);
            assertThat(DeflateTesting.decode(client, a.payload())).isEqualTo(repetitive);
            assertThat(DeflateTesting.decode(client, t.payload())).isEqualTo(text);
        } finally {
            e.close();
            client.close();
        }
    }

    @Test
    void aDeclinedWindowFallsBackToTheNextOffer() {
        ExtensionParameters second = offer("client_max_window_bits");

        Extension e = accept(offer("server_max_window_bits=7", "client_max_window_bits=10"), second)
                .orElseThrow();

        assertThat(e.negotiated().toString())
                .isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
    }

    @Test
    void theFirstAcceptableOfferWins() {
        String response = response(offer("server_max_window_bits=15"), offer());
        assertThat(response).endsWith("server_max_window_bits=15");
    }

    @ParameterizedTest
    @ValueSource(strings = {"client_max_window_bits", "client_max_window_bits=8", "client_max_window_bits=15"})
    void aClientWindowIsAcceptedAndNeverLimitedFurther(String param) {
        // Our inflater takes any window; RFC 7692 §7.1.2.2 lets the server leave it out.
        assertThat(response(offer(param)))
                .isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "server_max_window_bits",
                "server_max_window_bits=",
                "server_max_window_bits=7",
                "server_max_window_bits=16",
                "server_max_window_bits=015",
                "server_max_window_bits=08",
                "server_max_window_bits=1",
                "server_max_window_bits=100",
                "server_max_window_bits=1a",
                "server_max_window_bits=1/",
                "server_max_window_bits=+9",
                "server_max_window_bits= 9",
                "server_max_window_bits=a",
                "client_max_window_bits=",
                "client_max_window_bits=7",
                "client_max_window_bits=16",
                "client_max_window_bits=010",
                "client_max_window_bits=20",
                "client_max_window_bits=x",
                "server_no_context_takeover=",
                "server_no_context_takeover=1",
                "client_no_context_takeover=true",
                "x_unknown",
                "x_unknown=1",
                "mux"
            })
    void aMalformedOfferIsDeclined(String param) {
        assertThat(accept(offer(param))).isEmpty();
        // ... and the next offer is considered (never a failure of the handshake).
        assertThat(accept(offer(param), offer())).isPresent();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "server_no_context_takeover",
                "client_no_context_takeover",
                "server_max_window_bits=15",
                "client_max_window_bits",
                "client_max_window_bits=15"
            })
    void anOfferWithADuplicateParameterIsDeclined(String param) {
        assertThat(accept(offer(param, param))).isEmpty();
        assertThat(accept(offer(param, param.toUpperCase(java.util.Locale.ROOT))))
                .isEmpty();
    }

    @Test
    void serverContextTakeoverIsUsedWhenConfiguredAndTheClientAllowsIt() {
        PerMessageDeflate takeover = new PerMessageDeflate(
                DeflateConfig.builder().serverContextTakeover(true).build());

        DeflateExtension allowed = (DeflateExtension) accept(takeover, offer()).orElseThrow();
        DeflateExtension refused = (DeflateExtension)
                accept(takeover, offer("server_no_context_takeover")).orElseThrow();

        assertThat(allowed.negotiated()).hasToString("permessage-deflate; client_no_context_takeover");
        assertThat(allowed.sendContextTakeover()).isTrue();
        assertThat(allowed.receiveContextTakeover()).isFalse();
        assertThat(allowed.sharesCompressedPayloads()).isFalse();
        // RFC 7692 §7.1.1.1: an offered server_no_context_takeover must be echoed.
        assertThat(refused.negotiated())
                .hasToString("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
        assertThat(refused.sendContextTakeover()).isFalse();
    }

    @Test
    void clientContextTakeoverIsAllowedWhenConfiguredUnlessTheClientGivesItUp() {
        PerMessageDeflate takeover = new PerMessageDeflate(
                DeflateConfig.builder().clientContextTakeover(true).build());

        DeflateExtension allowed = (DeflateExtension) accept(takeover, offer()).orElseThrow();
        DeflateExtension givenUp = (DeflateExtension)
                accept(takeover, offer("client_no_context_takeover")).orElseThrow();

        assertThat(allowed.negotiated()).hasToString("permessage-deflate; server_no_context_takeover");
        assertThat(allowed.receiveContextTakeover()).isTrue();
        assertThat(allowed.sendContextTakeover()).isFalse();
        assertThat(givenUp.receiveContextTakeover()).isFalse();
    }

    @Test
    void aPermitIsTakenForContextTakeoverAndReleasedOnceOnClose() {
        CountingBudget budget = new CountingBudget();
        PerMessageDeflate takeover = new PerMessageDeflate(
                DeflateConfig.builder().contextTakeover(true).budget(budget).build());

        Extension e = takeover.serverAccept(List.of(offer())).orElseThrow();
        assertThat(e.negotiated()).hasToString("permessage-deflate");
        assertThat(budget.acquired).isEqualTo(1);
        e.close();
        e.close();

        assertThat(budget.released).isEqualTo(1);
    }

    @Test
    void noPermitIsTakenWithoutContextTakeover() {
        CountingBudget budget = new CountingBudget();
        PerMessageDeflate takeover = new PerMessageDeflate(
                DeflateConfig.builder().contextTakeover(true).budget(budget).build());

        accept(takeover, offer("server_no_context_takeover", "client_no_context_takeover"));
        accept(new PerMessageDeflate(DeflateConfig.builder().budget(budget).build()), offer());

        assertThat(budget.acquired).isZero();
        assertThat(budget.released).isZero();
    }

    @Test
    void aRefusedPermitMeansNoContextTakeoverEitherWay() {
        CountingBudget budget = new CountingBudget();
        budget.refuse = true;
        PerMessageDeflate takeover = new PerMessageDeflate(
                DeflateConfig.builder().contextTakeover(true).budget(budget).build());

        DeflateExtension e = (DeflateExtension) accept(takeover, offer()).orElseThrow();

        assertThat(e.negotiated())
                .hasToString("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
        assertThat(e.sendContextTakeover()).isFalse();
        assertThat(e.receiveContextTakeover()).isFalse();
        assertThat(budget.released).isZero();
    }

    @Test
    void theLimitBudgetBoundsConnectionsWithContextTakeover() {
        ContextTakeoverBudget budget = ContextTakeoverBudget.limit(1);
        PerMessageDeflate takeover = new PerMessageDeflate(
                DeflateConfig.builder().contextTakeover(true).budget(budget).build());

        DeflateExtension first =
                (DeflateExtension) takeover.serverAccept(List.of(offer())).orElseThrow();
        DeflateExtension second =
                (DeflateExtension) takeover.serverAccept(List.of(offer())).orElseThrow();

        assertThat(first.sendContextTakeover()).isTrue();
        assertThat(second.sendContextTakeover()).isFalse();
        first.close();
        second.close();
        DeflateExtension third =
                (DeflateExtension) takeover.serverAccept(List.of(offer())).orElseThrow();
        assertThat(third.sendContextTakeover()).isTrue();
        third.close();
        assertThat(((ContextTakeoverBudget.Limit) budget).available()).isEqualTo(1);
    }
}
