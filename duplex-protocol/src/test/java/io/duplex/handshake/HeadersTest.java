package io.duplex.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeadersTest {

    private final Headers headers = Headers.builder()
            .add("Host", "example.com")
            .add("Connection", "keep-alive, Upgrade")
            .add("X-Multi", "1")
            .add("x-multi", "2")
            .build();

    @Test
    void looksUpNamesCaseInsensitively() {
        assertThat(headers.first("HOST")).isEqualTo("example.com");
        assertThat(headers.first("X-MULTI")).isEqualTo("1");
        assertThat(headers.all("X-Multi")).containsExactly("1", "2");
        assertThat(headers.contains("connection")).isTrue();
        assertThat(headers.contains("Origin")).isFalse();
        assertThat(headers.first("Origin")).isNull();
        assertThat(headers.all("Origin")).isEmpty();
    }

    @Test
    void keepsOrderAndSpelling() {
        assertThat(headers.fields())
                .containsExactly(
                        new Headers.Field("Host", "example.com"),
                        new Headers.Field("Connection", "keep-alive, Upgrade"),
                        new Headers.Field("X-Multi", "1"),
                        new Headers.Field("x-multi", "2"));
        assertThat(headers.size()).isEqualTo(4);
        assertThat(headers.isEmpty()).isFalse();
    }

    @Test
    void splitsTokenListsAcrossFields() {
        Headers h = Headers.builder()
                .add("Connection", "keep-alive, Upgrade")
                .add("connection", " ,\tclose ,, ")
                .add("Other", "x")
                .build();

        assertThat(h.tokens("Connection")).containsExactly("keep-alive", "Upgrade", "close");
        assertThat(h.tokens("Absent")).isEmpty();
        assertThat(h.containsToken("Connection", "upgrade")).isTrue();
        assertThat(h.containsToken("Connection", "UPGRADE")).isTrue();
        assertThat(h.containsToken("Connection", "websocket")).isFalse();
        assertThat(h.containsToken("Absent", "x")).isFalse();
    }

    @Test
    void trimsOwsFromValues() {
        Headers h = Headers.builder().add("A", " \t v a l \t ").add("B", "   ").build();

        assertThat(h.first("A")).isEqualTo("v a l");
        assertThat(h.first("B")).isEmpty();
    }

    @Test
    void acceptsObsTextAndTabsInValues() {
        assertThat(Headers.of("A", "caf\u00e9\tb\u00ff").first("a")).isEqualTo("caf\u00e9\tb\u00ff");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bad Name", "Bad:", "Bad\u0000", "Caf\u00e9", " Lead", "(x)"})
    void refusesNamesThatAreNotTokens(String name) {
        assertThatThrownBy(() -> Headers.builder().add(name, "v")).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\r\nInjected: yes", "a\nb", "a\rb", "nul\u0000", "del\u007f", "wide\u0100", "bell\u0007"})
    void refusesValuesWithControlOrNonLatin1Characters(String value) {
        assertThatThrownBy(() -> Headers.builder().add("A", value)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ofTakesPairs() {
        assertThat(Headers.of("Allow", "GET").first("allow")).isEqualTo("GET");
        assertThat(Headers.of()).isSameAs(Headers.EMPTY);
        assertThatThrownBy(() -> Headers.of("Allow")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void isImmutableAndComparable() {
        Headers copy = headers.toBuilder().build();

        assertThat(copy).isEqualTo(headers).hasSameHashCodeAs(headers).isNotSameAs(headers);
        assertThat(headers.toBuilder().add("More", "1").build()).isNotEqualTo(headers);
        assertThat(headers).isNotEqualTo("Headers");
        assertThatThrownBy(() -> headers.fields().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> headers.all("X-Multi").clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThat(Headers.EMPTY.isEmpty()).isTrue();
        assertThat(Headers.builder().build()).isSameAs(Headers.EMPTY);
    }

    @Test
    void buildsSnapshotsOfAnyNumberOfFields() {
        Headers.Builder b = Headers.builder();
        for (int i = 0; i < 20; i++) {
            b.add("F" + i, "v" + i);
        }
        Headers first = b.build();
        Headers second = b.add("Last", "x").build();

        assertThat(first.size()).isEqualTo(20);
        assertThat(first.fields()).hasSize(20).startsWith(new Headers.Field("F0", "v0"));
        assertThat(first.fields().get(19)).isEqualTo(new Headers.Field("F19", "v19"));
        assertThat(first.fields()).isSameAs(first.fields());
        assertThat(first.first("Last")).isNull();
        assertThat(second.size()).isEqualTo(21);
        assertThat(second.first("last")).isEqualTo("x");
    }

    @Test
    void toStringShowsNamesButNotValues() {
        Headers h = Headers.of("Cookie", "secret", "Host", "example.com");

        assertThat(h.toString()).isEqualTo("Headers[Cookie, Host]").doesNotContain("secret");
    }

    @Test
    void fieldRequiresNameAndValue() {
        assertThatThrownBy(() -> new Headers.Field(null, "v")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Headers.Field("n", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void countsFieldsOfOneName() {
        assertThat(headers.count("x-MULTI")).isEqualTo(2);
        assertThat(headers.count("Host")).isEqualTo(1);
        assertThat(headers.count("Origin")).isZero();
        assertThat(headers.all("Host")).containsExactly("example.com");
    }

    @Test
    void findsTokensWhereTheyLie() {
        Headers h = Headers.builder()
                .add("Upgrade", "h2c,\twebsocket ")
                .add("Connection", ", ,")
                .add("Connection", "Upgraded, keep-alive")
                .build();

        // The same answers as tokens(name).contains, case aside, for every kind of element.
        assertThat(h.containsToken("Upgrade", "WebSocket")).isTrue();
        assertThat(h.containsToken("upgrade", "h2c")).isTrue();
        assertThat(h.containsToken("Upgrade", "web")).isFalse();
        assertThat(h.containsToken("Upgrade", "websocket ")).isFalse();
        assertThat(h.containsToken("Connection", "upgrade")).isFalse();
        assertThat(h.containsToken("Connection", "keep-alive")).isTrue();
        assertThat(h.containsToken("Connection", "")).isFalse();
    }
}
