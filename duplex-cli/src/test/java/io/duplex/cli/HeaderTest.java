package io.duplex.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.cli.options.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class HeaderTest {

    @Test
    void splitsAtTheFirstColonAndTrims() {
        assertThat(Header.parse("Authorization: Bearer a:b")).isEqualTo(new Header("Authorization", "Bearer a:b"));
        assertThat(Header.parse("  X-Empty:")).isEqualTo(new Header("X-Empty", ""));
        assertThat(Header.parse("X-Tight:v")).isEqualTo(new Header("X-Tight", "v"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"no colon", ":value", "  : value", "two words: v", "tab\tname: v"})
    void rejectsMalformedHeaders(String text) {
        assertThatThrownBy(() -> Header.parse(text)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Header.Converter().convert(text))
                .isInstanceOf(CommandLine.TypeConversionException.class);
    }
}
