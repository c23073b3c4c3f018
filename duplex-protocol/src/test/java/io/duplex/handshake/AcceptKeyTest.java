package io.duplex.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AcceptKeyTest {

    @Test
    void matchesTheRfc6455Example() {
        // RFC 6455 §1.3 and §4.2.2
        assertThat(AcceptKey.of("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void newKeyIsSixteenRandomBytesInBase64() {
        String key = AcceptKey.newKey(new Random(42));

        assertThat(key).hasSize(24).endsWith("==").isEqualTo(AcceptKey.newKey(new Random(42)));
        assertThat(AcceptKey.isValidKey(key)).isTrue();
        assertThat(AcceptKey.newKey(new Random(43))).isNotEqualTo(key);
    }

    @Test
    void acceptsTheRfcExampleKey() {
        assertThat(AcceptKey.isValidKey("dGhlIHNhbXBsZSBub25jZQ==")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "dGhlIHNhbXBsZSBub25jZQ=",
                "dGhlIHNhbXBsZSBub25jZQ===",
                "dGhlIHNhbXBsZSBub25jZQAA",
                "dGhlIHNhbXBsZSBub25jZ*==",
                "dGhlIHNhbXBsZSBub25jZQ==, dGhlIHNhbXBsZSBub25jZQ==",
                "dGhlIHNhbXBsZSBu b25jZQ=",
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAA"
            })
    void refusesKeysThatAreNotBase64OfSixteenBytes(String key) {
        assertThat(AcceptKey.isValidKey(key)).isFalse();
    }
}
