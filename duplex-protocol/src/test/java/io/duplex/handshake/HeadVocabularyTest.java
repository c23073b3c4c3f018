package io.duplex.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeadVocabularyTest {

    @ParameterizedTest
    @ValueSource(strings = {"Sec-WebSocket-Key", "sec-websocket-key", "Host", "GET", "HTTP/1.1", "websocket", "13"})
    void sharesAWordSpelledExactly(String word) {
        byte[] line = ("x" + word + "y").getBytes(StandardCharsets.ISO_8859_1);

        String s = HeadVocabulary.string(line, 1, line.length - 1);

        assertThat(s).isEqualTo(word).isSameAs(HeadVocabulary.string(line, 1, line.length - 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"SEC-WEBSOCKET-KEY", "Hos", "X-Custom", "", "caf\u00e9", "h\u00f6st"})
    void makesAStringOfAnyOtherBytes(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);

        String s = HeadVocabulary.string(bytes, 0, bytes.length);

        assertThat(s).isEqualTo(text);
        if (!text.isEmpty()) {
            assertThat(s).isNotSameAs(HeadVocabulary.string(bytes, 0, bytes.length));
        }
    }

    @Test
    void readsLongerRunsThanAnyWord() {
        byte[] bytes = "a".repeat(200).getBytes(StandardCharsets.ISO_8859_1);

        assertThat(HeadVocabulary.string(bytes, 0, 200)).isEqualTo("a".repeat(200));
    }
}
