package io.duplex.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OriginPolicyTest {

    private final OriginPolicy same = OriginPolicy.sameOrigin();

    @Test
    void sameOriginAllowsRequestsWithoutOrigin() {
        assertThat(same.allows(null, "example.com")).isTrue();
        assertThat(same.allows(null, null)).isTrue();
    }

    @ParameterizedTest(name = "{0} vs Host {1}")
    @CsvSource({
        "http://example.com, example.com",
        "http://example.com, example.com:80",
        "http://example.com:80, example.com",
        "HTTP://Example.COM, example.com",
        "https://example.com, example.com",
        "https://example.com, example.com:443",
        "https://example.com:443, example.com",
        "http://example.com:8080, example.com:8080",
        "https://example.com:8443, EXAMPLE.com:8443",
        "http://[::1]:8080, [::1]:8080",
        "http://[::1], [::1]",
        "http://127.0.0.1:9000, 127.0.0.1:9000"
    })
    void sameOriginAllowsAMatchingHostAndPort(String origin, String host) {
        assertThat(same.allows(origin, host)).isTrue();
    }

    @ParameterizedTest(name = "{0} vs Host {1}")
    @CsvSource({
        "null, example.com",
        "http://evil.com, example.com",
        "http://example.com.evil.com, example.com",
        "http://example.com, example.com:8080",
        "http://example.com:8080, example.com",
        "https://example.com, example.com:80",
        "http://example.com:443, example.com",
        "http://example.com/, example.com",
        "http://example.com/path, example.com",
        "http://example.com?q, example.com",
        "http://example.com#f, example.com",
        "http://user@example.com, example.com",
        "ftp://example.com, example.com",
        "chrome-extension://example.com, example.com",
        "example.com, example.com",
        "http://exa mple.com, exa mple.com",
        "http://exa_mple.com, exa_mple.com",
        "http:///, example.com",
        "http:example.com, example.com",
        "http://[::1], [::1",
        "http://[::1], [::1]x",
        "http://[::1]:80, [::1]:",
        "http://example.com, example.com:",
        "http://example.com, example.com:8x",
        "http://example.com, example.com:123456",
        "http://example.com, :80",
        "http://example.com, ''"
    })
    void sameOriginRefusesEverythingElse(String origin, String host) {
        assertThat(same.allows(origin, host)).isFalse();
    }

    @Test
    void sameOriginRefusesAnOriginWithoutHost() {
        assertThat(same.allows("http://example.com", null)).isFalse();
    }

    @Test
    void allowListMatchesExactlyAndCaseInsensitively() {
        OriginPolicy list = OriginPolicy.allowList(List.of("https://App.example.com", "http://localhost:3000"));

        assertThat(list.allows("https://app.example.com", "api.example.com")).isTrue();
        assertThat(list.allows("HTTP://LOCALHOST:3000", "x")).isTrue();
        assertThat(list.allows(null, "x")).isTrue();
        assertThat(list.allows("https://app.example.com:443", "x")).isFalse();
        assertThat(list.allows("http://localhost:3001", "localhost:3001")).isFalse();
        assertThat(list.allows("null", "x")).isFalse();
    }

    @Test
    void anyAllowsEverything() {
        assertThat(OriginPolicy.any().allows("http://evil.com", "example.com")).isTrue();
        assertThat(OriginPolicy.any().allows(null, null)).isTrue();
    }

    @Test
    void requireOriginRefusesRequestsWithoutOrigin() {
        OriginPolicy strict = same.requireOrigin();

        assertThat(strict.allows(null, "example.com")).isFalse();
        assertThat(strict.allows("http://example.com", "example.com")).isTrue();
        assertThat(strict.allows("http://evil.com", "example.com")).isFalse();
        assertThat(OriginPolicy.any().requireOrigin().allows(null, "x")).isFalse();
    }

    /** RFC 6454 §5: http://h and https://h are different origins; over TLS only https is ours. */
    @Test
    void sameOriginOverTlsRefusesAPlainHttpOriginOfTheSameHost() {
        assertThat(same.allows("http://example.com:8443", "example.com:8443", true))
                .isFalse();
        assertThat(same.allows("http://example.com", "example.com", true)).isFalse();
        assertThat(same.allows("https://example.com:8443", "example.com:8443", true))
                .isTrue();
        assertThat(same.allows("https://example.com", "example.com", true)).isTrue();
        assertThat(same.allows(null, "example.com", true)).isTrue();
        assertThat(same.requireOrigin().allows("http://example.com", "example.com", true))
                .isFalse();
        assertThat(same.requireOrigin().allows("https://example.com", "example.com", true))
                .isTrue();
    }

    /** Without TLS an https origin can only come through a TLS-terminating proxy in front: allowed. */
    @Test
    void sameOriginWithoutTlsAllowsBothSchemesOfTheSameHostAndPort() {
        assertThat(same.allows("http://example.com", "example.com", false)).isTrue();
        assertThat(same.allows("https://example.com", "example.com", false)).isTrue();
        assertThat(same.allows("https://example.com", "example.com:8080", false))
                .isFalse();
    }
}
