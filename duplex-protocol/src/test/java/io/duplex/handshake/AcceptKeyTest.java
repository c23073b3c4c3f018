package io.duplex.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
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

    @Test
    void asciiOfIsTheAcceptValueInBytes() {
        assertThat(new String(AcceptKey.asciiOf("dGhlIHNhbXBsZSBub25jZQ=="), StandardCharsets.US_ASCII))
                .isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        // Keys of other lengths, and characters beyond ISO-8859-1, as getBytes would hash them.
        assertThat(AcceptKey.of("short")).isEqualTo(reference("short"));
        assertThat(AcceptKey.of("\u20ac" + "A".repeat(23))).isEqualTo(reference("?" + "A".repeat(23)));
    }

    @Test
    void computesTheSameValueCallAfterCall() {
        Random random = new Random(7);
        for (int i = 0; i < 100; i++) {
            String key = AcceptKey.newKey(random);
            assertThat(AcceptKey.of(key)).isEqualTo(reference(key));
        }
    }

    @Test
    void validatesKeysAsTheJdkDecoderDoes() {
        // Every character in each of the last three places of a valid key, and in the first.
        String valid = "dGhlIHNhbXBsZSBub25jZQ==";
        for (int place : new int[] {0, 21, 22, 23}) {
            for (char c = 0; c < 0x180; c++) {
                String key = valid.substring(0, place) + c + valid.substring(place + 1);
                assertThat(AcceptKey.isValidKey(key)).as("%s", key).isEqualTo(decodesToSixteenBytes(key));
            }
        }
    }

    private static boolean decodesToSixteenBytes(String key) {
        try {
            return key.length() == 24 && Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String reference(String key) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-1")
                    .digest((key + AcceptKey.GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
