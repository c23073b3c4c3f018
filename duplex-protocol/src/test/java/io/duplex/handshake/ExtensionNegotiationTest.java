package io.duplex.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.extension.Extension;
import io.duplex.extension.ExtensionFactory;
import io.duplex.extension.ExtensionParameters;
import io.duplex.extension.FakeExtensionFactory;
import io.duplex.frame.Rsv;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExtensionNegotiationTest {

    private final FakeExtensionFactory a = new FakeExtensionFactory("a", Rsv.RSV1);
    private final FakeExtensionFactory b = new FakeExtensionFactory("b", Rsv.RSV2);
    private final FakeExtensionFactory alsoRsv1 = new FakeExtensionFactory("c", Rsv.RSV1);

    private static ExtensionParameters p(String name) {
        return ExtensionParameters.of(name);
    }

    @Test
    void serverGroupsOffersByNameInTheClientsOrderOfFirstAppearance() {
        ExtensionParameters b1 = p("b").with("x", "1");
        ExtensionParameters b2 = p("b");
        List<Extension> accepted = ExtensionNegotiation.server(List.of(b1, p("a"), b2), List.of(a, b));

        assertThat(accepted).extracting(Extension::negotiated).containsExactly(b1, p("a"));
        assertThat(b.serverCalls).containsExactly(List.of(b1, b2));
        assertThat(a.serverCalls).containsExactly(List.of(p("a")));
    }

    @Test
    void serverSkipsUnconfiguredAndDeclinedExtensions() {
        List<Extension> accepted =
                ExtensionNegotiation.server(List.of(p("unknown"), p("a").with("reject", null), p("b")), List.of(a, b));

        assertThat(accepted).extracting(Extension::negotiated).containsExactly(p("b"));
        assertThat(ExtensionNegotiation.server(List.of(), List.of(a))).isEmpty();
    }

    @Test
    void serverSkipsAndClosesAnExtensionWhoseRsvBitsAreTaken() {
        List<Extension> accepted = ExtensionNegotiation.server(List.of(p("a"), p("c")), List.of(a, alsoRsv1));

        assertThat(accepted).extracting(Extension::negotiated).containsExactly(p("a"));
        assertThat(alsoRsv1.created).singleElement().satisfies(e -> assertThat(e.closed)
                .isTrue());
        assertThat(a.created.get(0).closed).isFalse();
    }

    @Test
    void serverClosesAcceptedExtensionsWhenAFactoryThrows() {
        a.failOnClose = true;
        assertThatThrownBy(
                        () -> ExtensionNegotiation.server(List.of(p("a"), p("b").with("throw", null)), List.of(a, b)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("factory failure")
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
        assertThat(a.created.get(0).closed).isTrue();
    }

    @Test
    void clientAcceptsOfferedExtensionsInResponseOrder() {
        List<Extension> negotiated = ExtensionNegotiation.client(List.of(p("b"), p("a")), List.of(a, b));

        assertThat(negotiated).extracting(Extension::negotiated).containsExactly(p("b"), p("a"));
        assertThat(ExtensionNegotiation.client(List.of(), List.of(a))).isEmpty();
    }

    @Test
    void clientFailsOnAnExtensionNotOffered() {
        assertFails(List.of(p("a"), p("z")), List.of(a, b));
        assertThat(a.created.get(0).closed).isTrue();
    }

    @Test
    void clientFailsOnAnExtensionAcceptedTwice() {
        assertFails(List.of(p("a"), p("a")), List.of(a));
        assertThat(a.created.get(0).closed).isTrue();
    }

    @Test
    void clientFailsWhenTheFactoryFindsTheResponseUnacceptable() {
        assertFails(List.of(p("b"), p("a").with("reject", null)), List.of(a, b));
        assertThat(b.created.get(0).closed).isTrue();
    }

    @Test
    void clientFailsOnOverlappingRsvBitsAndClosesBoth() {
        assertFails(List.of(p("a"), p("c")), List.of(a, alsoRsv1));
        assertThat(a.created.get(0).closed).isTrue();
        assertThat(alsoRsv1.created.get(0).closed).isTrue();
    }

    @Test
    void clientClosesCreatedExtensionsWhenAFactoryThrows() {
        assertThatThrownBy(
                        () -> ExtensionNegotiation.client(List.of(p("a"), p("b").with("throw", null)), List.of(a, b)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(a.created.get(0).closed).isTrue();
    }

    private static void assertFails(List<ExtensionParameters> response, List<ExtensionFactory> offered) {
        assertThatThrownBy(() -> ExtensionNegotiation.client(response, offered))
                .isInstanceOfSatisfying(
                        HandshakeException.class, e -> assertThat(e.status()).isEqualTo(400));
    }
}
