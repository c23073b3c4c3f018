package io.duplex.deflate;

import static io.duplex.deflate.DeflateTesting.decode;
import static io.duplex.deflate.DeflateTesting.hex;
import static io.duplex.deflate.DeflateTesting.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.deflate.DeflateTesting.Pair;
import io.duplex.extension.Extension;
import io.duplex.frame.Rsv;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The examples of RFC 7692 §7.2.3, byte for byte. */
class Rfc7692ExamplesTest {

    private static final DeflateConfig NO_TAKEOVER =
            DeflateConfig.builder().threshold(0).build();
    private static final DeflateConfig TAKEOVER =
            NO_TAKEOVER.toBuilder().contextTakeover(true).build();

    private Pair pair;

    @AfterEach
    void close() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void helloIsCompressedAsInSection7231() {
        // The first message of a connection is compressed the same with or without context
        // takeover; with it, the extension never falls back to sending a message uncompressed.
        pair = Pair.negotiate(TAKEOVER);

        Extension.Encoded encoded = pair.server().encode(true, utf8("Hello"));

        assertThat(encoded.rsv()).isEqualTo(Rsv.RSV1);
        assertThat(hex(encoded.payload())).isEqualTo("f2 48 cd c9 c9 07 00");
        assertThat(hex(PerMessageDeflate.compressOnce(utf8("Hello"), -1).payload()))
                .isEqualTo("f2 48 cd c9 c9 07 00");
    }

    @Test
    void withoutContextTakeoverTheSecondMessageIsCompressedTheSame() {
        pair = Pair.negotiate(NO_TAKEOVER);
        String message = "Hello, Hello, Hello, Hello";

        Extension.Encoded first = pair.client().encode(true, utf8(message));
        Extension.Encoded second = pair.client().encode(true, utf8(message));

        assertThat(second.rsv()).isEqualTo(Rsv.RSV1);
        assertThat(hex(second.payload()))
                .isEqualTo(hex(first.payload()))
                .isEqualTo(hex(PerMessageDeflate.compressOnce(utf8(message), -1).payload()));
    }

    @Test
    void withoutContextTakeoverAMessageThatWouldGrowIsSentUncompressed() {
        pair = Pair.negotiate(NO_TAKEOVER);

        Extension.Encoded encoded = pair.client().encode(true, utf8("Hello"));

        // "Hello" deflates to 7 bytes; RFC 7692 §6 lets it go out as it is.
        assertThat(encoded.rsv()).isZero();
        assertThat(hex(encoded.payload())).isEqualTo("48 65 6c 6c 6f");
    }

    @Test
    void withContextTakeoverTheSecondHelloRefersToTheFirstAsInSection7232() {
        pair = Pair.negotiate(TAKEOVER);
        assertThat(pair.server().sendContextTakeover()).isTrue();

        Extension.Encoded first = pair.server().encode(true, utf8("Hello"));
        Extension.Encoded second = pair.server().encode(true, utf8("Hello"));

        assertThat(hex(first.payload())).isEqualTo("f2 48 cd c9 c9 07 00");
        assertThat(hex(second.payload())).isEqualTo("f2 00 11 00 00");
        assertThat(text(decode(pair.client(), first.payload()))).isEqualTo("Hello");
        assertThat(text(decode(pair.client(), second.payload()))).isEqualTo("Hello");
    }

    @Test
    void section7231DecodesWholeAndFragmented() {
        pair = Pair.negotiate(NO_TAKEOVER);

        assertThat(text(decode(pair.client(), hex("f2 48 cd c9 c9 07 00")))).isEqualTo("Hello");
        assertThat(text(decode(pair.client(), hex("f2 48 cd"), hex("c9 c9 07 00"))))
                .isEqualTo("Hello");
    }

    @Test
    void section7233DeflateBlockWithNoCompression() {
        pair = Pair.negotiate(NO_TAKEOVER);

        assertThat(text(decode(pair.client(), hex("00 05 00 fa ff 48 65 6c 6c 6f 00"))))
                .isEqualTo("Hello");
    }

    @Test
    void section7234DeflateBlockWithBfinalSet() {
        pair = Pair.negotiate(NO_TAKEOVER);

        assertThat(text(decode(pair.client(), hex("f3 48 cd c9 c9 07 00 00")))).isEqualTo("Hello");
        // The next message starts afresh.
        assertThat(text(decode(pair.client(), hex("f2 48 cd c9 c9 07 00")))).isEqualTo("Hello");
    }

    @Test
    void section7235TwoDeflateBlocksInOneMessage() {
        pair = Pair.negotiate(NO_TAKEOVER);

        assertThat(text(decode(pair.client(), hex("f2 48 05 00 00 00 ff ff ca c9 c9 07 00"))))
                .isEqualTo("Hello");
    }

    @Test
    void section7236EmptyMessage() {
        pair = Pair.negotiate(NO_TAKEOVER);

        assertThat(decode(pair.client(), hex("00"))).isEmpty();
        assertThat(decode(pair.client(), hex("00"), hex(""))).isEmpty();
    }

    @Test
    void anEmptyMessageIsSentUncompressed() {
        pair = Pair.negotiate(TAKEOVER);

        Extension.Encoded encoded = pair.client().encode(false, utf8(""));

        assertThat(encoded.rsv()).isZero();
        assertThat(encoded.payload().remaining()).isZero();
    }

    private static String text(byte[] utf8) {
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
