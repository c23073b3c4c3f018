package io.duplex.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.extension.Extension;
import io.duplex.extension.ExtensionParameters;
import io.duplex.extension.FakeExtensionFactory;
import io.duplex.frame.Rsv;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A client and a server talking bytes to each other through the parser. */
class HandshakeRoundTripTest {

    @Test
    void clientAndServerAgree() {
        FakeExtensionFactory clientDeflate = new FakeExtensionFactory("permessage-deflate", Rsv.RSV1);
        FakeExtensionFactory serverDeflate = new FakeExtensionFactory("permessage-deflate", Rsv.RSV1);
        ClientHandshake client = ClientHandshake.builder(URI.create("ws://localhost:8080/echo?x=%20"))
                .subprotocols(List.of("v2", "v1"))
                .extensions(List.of(clientDeflate))
                .origin("http://localhost:8080")
                .random(new Random(7))
                .build();
        ServerHandshake server = ServerHandshake.builder()
                .subprotocols(List.of("v1", "v2"))
                .extensions(List.of(serverDeflate))
                .build();

        HttpHead request =
                new HttpHeadParser(HttpHeadLimits.DEFAULT, HttpHeadParser.Kind.REQUEST).parse(client.request());
        Outcome.Accepted accepted = (Outcome.Accepted) server.validate(request);
        ByteBuffer wire = ByteBuffer.allocate(512);
        wire.put(server.response(accepted)).put(new byte[] {(byte) 0x81, 0x00}).flip();
        HttpHead response = new HttpHeadParser(HttpHeadLimits.DEFAULT, HttpHeadParser.Kind.RESPONSE).parse(wire);
        ClientHandshake.Result result = client.validate(response);

        assertThat(accepted.path()).isEqualTo("/echo");
        assertThat(accepted.query()).isEqualTo("x=%20");
        assertThat(accepted.key()).isEqualTo("mRcPuxg0d6NalMm/OQt3Ag==");
        assertThat(result.subprotocol()).isEqualTo("v1").isEqualTo(accepted.selectedSubprotocol());
        assertThat(result.extensions())
                .extracting(Extension::negotiated)
                .containsExactly(ExtensionParameters.of("permessage-deflate"));
        assertThat(wire.remaining()).isEqualTo(2);
    }

    @Test
    void aRejectionParsesAsAResponseTheClientRefuses() {
        ClientHandshake client = ClientHandshake.builder(URI.create("ws://localhost/"))
                .random(new Random(1))
                .build();
        ByteBuffer rejection = ServerHandshake.rejection(503, "busy", Headers.of("Retry-After", "30"));

        HttpHead response = new HttpHeadParser(HttpHeadLimits.DEFAULT, HttpHeadParser.Kind.RESPONSE).parse(rejection);

        assertThat(rejection.remaining()).isEqualTo(5);
        assertThatThrownBy(() -> client.validate(response)).isInstanceOfSatisfying(HandshakeException.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.headers().first("Retry-After")).isEqualTo("30");
        });
    }

    @Test
    void exceptionCarriesStatusHeadersAndCause() {
        IllegalStateException cause = new IllegalStateException();
        HandshakeException e = new HandshakeException(431, "too big", null, cause);

        assertThat(e.status()).isEqualTo(431);
        assertThat(e.headers()).isSameAs(Headers.EMPTY);
        assertThat(e.getCause()).isSameAs(cause);
        assertThat(new HandshakeException(400, "x").headers()).isSameAs(Headers.EMPTY);
        assertThat(new HandshakeException(503, "x", Headers.of("Retry-After", "1"))
                        .headers()
                        .first("retry-after"))
                .isEqualTo("1");
    }
}
