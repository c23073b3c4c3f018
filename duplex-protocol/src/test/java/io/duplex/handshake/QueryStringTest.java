package io.duplex.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryStringTest {
    @Test
    void valuesAreDecodedInOrderAndRepeatedNamesKept() {
        String q = "a=1&b=x%20y&a=2&flag&c=%E2%82%AC";
        assertThat(QueryString.values(q, "a")).containsExactly("1", "2");
        assertThat(QueryString.first(q, "b")).isEqualTo("x y");
        assertThat(QueryString.first(q, "flag")).isEmpty();
        assertThat(QueryString.first(q, "c")).isEqualTo("€");
        assertThat(QueryString.first(q, "missing")).isNull();
        assertThat(QueryString.values(null, "a")).isEmpty();
    }

    @Test
    void aMalformedEscapeIsKeptAsItCame() {
        assertThat(QueryString.first("k=%zz", "k")).isEqualTo("%zz");
    }

    @Test
    void allGroupsByNameAndSkipsEmptyPairs() {
        Map<String, List<String>> all = QueryString.all("a=1&&b&a=2&");
        assertThat(all).containsExactly(Map.entry("a", List.of("1", "2")), Map.entry("b", List.of("")));
        assertThat(QueryString.all(null)).isEmpty();
    }

    @Test
    void cookiesAreReadFromEveryCookieField() {
        Headers h = Headers.builder()
                .add("Cookie", "a=1; flag; =x; sid = s3cret")
                .add("Cookie", "b=2")
                .build();
        assertThat(h.cookie("sid")).isEqualTo("s3cret");
        assertThat(h.cookie("b")).isEqualTo("2");
        assertThat(h.cookie("c")).isNull();
    }
}
