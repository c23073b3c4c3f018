package io.duplex.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.cli.options.ByteSize;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class ByteSizeTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "1, 1",
        "1048576, 1048576",
        "512k, 524288",
        "512K, 524288",
        "64m, 67108864",
        "64M, 67108864",
        "64mb, 67108864",
        "64MiB, 67108864",
        "1g, 1073741824",
        "2G, 2147483648",
        "1t, 1099511627776",
        "' 8k ', 8192",
        "100b, 100",
        "0001k, 1024"
    })
    void parsesSizes(String text, long bytes) {
        assertThat(ByteSize.parse(text)).isEqualTo(bytes);
        assertThat(new ByteSize.Converter().convert(text)).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", " ", "k", "m", "12q", "1.5m", "-1", "-1k", "1 k", "0x10", "1kk", "1e6", "ib", "b"})
    void rejectsWhatIsNotASize(String text) {
        assertThatThrownBy(() -> ByteSize.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a size");
        assertThatThrownBy(() -> new ByteSize.Converter().convert(text))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("e.g. 512k, 64m, 1g");
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"0", "0k", "000"})
    void rejectsZero(String text) {
        assertThatThrownBy(() -> ByteSize.parse(text)).hasMessageContaining("at least 1 byte");
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"9999999999999999t", "999999999999999999g", "9999999999999999999"})
    void rejectsSizesThatOverflow(String text) {
        assertThatThrownBy(() -> ByteSize.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @org.junit.jupiter.api.Test
    void rejectsNull() {
        assertThatThrownBy(() -> ByteSize.parse(null)).hasMessageContaining("not a size");
    }
}
