package io.duplex.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.extension.ExtensionParameters;
import io.duplex.extension.ExtensionParameters.Parameter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExtensionHeaderTest {

    private static final ExtensionParameters PMD = ExtensionParameters.of("permessage-deflate");

    @Test
    void parsesASingleExtensionWithoutParameters() {
        assertThat(ExtensionHeader.parse("permessage-deflate")).containsExactly(PMD);
    }

    @Test
    void parsesTheRfc7692OfferList() {
        List<ExtensionParameters> parsed = ExtensionHeader.parse(
                "permessage-deflate; client_max_window_bits; server_max_window_bits=10, permessage-deflate");

        assertThat(parsed)
                .containsExactly(PMD.with("client_max_window_bits", null).with("server_max_window_bits", "10"), PMD);
    }

    @Test
    void unquotesQuotedValues() {
        assertThat(ExtensionHeader.parse("x; a=\"10\"; b=\"1\\0\""))
                .containsExactly(ExtensionParameters.of("x").with("a", "10").with("b", "10"));
    }

    @Test
    void toleratesOwsAroundEverySeparator() {
        assertThat(ExtensionHeader.parse(" \tfoo ;\tp = 1 ; q = \"2\" ; r , bar\t"))
                .containsExactly(
                        ExtensionParameters.of("foo")
                                .with("p", "1")
                                .with("q", "2")
                                .with("r", null),
                        ExtensionParameters.of("bar"));
    }

    @Test
    void skipsEmptyListElements() {
        assertThat(ExtensionHeader.parse(", a ,, b,"))
                .containsExactly(ExtensionParameters.of("a"), ExtensionParameters.of("b"));
    }

    @Test
    void keepsDuplicateParametersInOrder() {
        List<ExtensionParameters> parsed = ExtensionHeader.parse("a; p=1; p=2; p");

        assertThat(parsed.get(0).parameters())
                .containsExactly(new Parameter("p", "1"), new Parameter("p", "2"), new Parameter("p", null));
    }

    @Test
    void joinsSeveralHeaderValuesInOrder() {
        assertThat(ExtensionHeader.parse(List.of("a; x=1", "b, c")))
                .containsExactly(
                        ExtensionParameters.of("a").with("x", "1"),
                        ExtensionParameters.of("b"),
                        ExtensionParameters.of("c"));
        assertThat(ExtensionHeader.parse(List.of())).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                " ",
                ", ,",
                ";a",
                "a;",
                "a; ",
                "a; =1",
                "a; p=",
                "a; p= ",
                "a b",
                "a,;",
                "a; p=1 2",
                "a; p=1;;",
                "a=1",
                "a; p=\"\"",
                "a; p=\"1 2\"",
                "a; p=\"10",
                "a; p=\"1\\",
                "a; p=\"1\"x",
                "a; p=\"\\\"\"",
                "a; p=\"é\"",
                "é",
                "a; p=é",
                "a\u0000"
            })
    void rejectsMalformedValuesWith400(String value) {
        assertThatThrownBy(() -> ExtensionHeader.parse(value))
                .isInstanceOfSatisfying(
                        HandshakeException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void rejectsAnEmptyValueAmongOthers() {
        assertThatThrownBy(() -> ExtensionHeader.parse(List.of("a", ""))).isInstanceOf(HandshakeException.class);
    }

    @Test
    void acceptsExactlyMaxElementsAndRejectsOneMore() {
        assertThat(ExtensionHeader.parse(names(ExtensionHeader.MAX_ELEMENTS))).hasSize(64);
        assertThatThrownBy(() -> ExtensionHeader.parse(names(ExtensionHeader.MAX_ELEMENTS + 1)))
                .isInstanceOfSatisfying(
                        HandshakeException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void countsElementsAcrossHeaderValues() {
        assertThatThrownBy(() -> ExtensionHeader.parse(List.of(names(40), names(25))))
                .isInstanceOf(HandshakeException.class);
    }

    @Test
    void acceptsExactlyMaxParametersAndRejectsOneMore() {
        assertThat(ExtensionHeader.parse(withParameters(ExtensionHeader.MAX_PARAMETERS))
                        .get(0)
                        .parameters())
                .hasSize(64);
        assertThatThrownBy(() -> ExtensionHeader.parse(withParameters(ExtensionHeader.MAX_PARAMETERS + 1)))
                .isInstanceOfSatisfying(
                        HandshakeException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void parsesALongValueInOnePass() {
        String value = "x; " + "p=\"" + "a".repeat(200_000) + "\"";

        assertThat(ExtensionHeader.parse(value).get(0).parameters().get(0).value())
                .hasSize(200_000);
    }

    @Test
    void formatsCanonically() {
        List<ExtensionParameters> list =
                List.of(PMD.with("client_max_window_bits", null).with("server_max_window_bits", "10"), PMD);

        assertThat(ExtensionHeader.format(list))
                .isEqualTo("permessage-deflate; client_max_window_bits; server_max_window_bits=10, permessage-deflate");
        assertThat(ExtensionHeader.format(List.of())).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "a",
                "a; b",
                "a; b=1; b=2, c",
                "permessage-deflate; client_max_window_bits=15, permessage-deflate; client_no_context_takeover"
            })
    void roundTrips(String canonical) {
        assertThat(ExtensionHeader.format(ExtensionHeader.parse(canonical))).isEqualTo(canonical);
    }

    @Test
    void quotedValuesRoundTripUnquoted() {
        assertThat(ExtensionHeader.format(ExtensionHeader.parse("a ; b = \"7\"")))
                .isEqualTo("a; b=7");
    }

    @Test
    void formatRefusesNonTokens() {
        assertThatThrownBy(() -> ExtensionHeader.format(List.of(ExtensionParameters.of("a b"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExtensionHeader.format(
                        List.of(ExtensionParameters.of("a").with("", null))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExtensionHeader.format(
                        List.of(ExtensionParameters.of("a").with("p", "1,2"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static String names(int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add("e" + i);
        }
        return String.join(", ", names);
    }

    private static String withParameters(int n) {
        StringBuilder sb = new StringBuilder("x");
        for (int i = 0; i < n; i++) {
            sb.append("; p").append(i).append('=').append(i);
        }
        return sb.toString();
    }
}
