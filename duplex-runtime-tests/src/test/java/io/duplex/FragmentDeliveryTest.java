package io.duplex;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.protocol.ProtocolConfig;
import io.duplex.testkit.Loopback;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Message assembly off ({@code ProtocolConfig.assembleMessages(false)}): every data frame reaches
 * {@link WebSocketHandler#onFragment} as it came — type on every fragment, FIN on the last (RFC
 * 6455 §5.4) — and a handler that does not take fragments fails loudly (1011 and onError), never
 * turning text into binary or losing the message's end.
 */
class FragmentDeliveryTest extends LoopbackTest {
    record Fragment(String data, boolean text, boolean last) {}

    WebSocketServer serve(WebSocketHandler handler) {
        WebSocketConfig fragments = WebSocketConfig.builder()
                .protocol(ProtocolConfig.builder().assembleMessages(false).build())
                .build();
        server = Loopback.server()
                .eventLoops(1)
                .config(fragments)
                .route("/", handler)
                .start();
        return server;
    }

    WebSocket connect(CompletableFuture<Integer> closeCode) {
        return client.connect(Loopback.uri(server, "/"), new WebSocketHandler() {
                    @Override
                    public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
                        closeCode.complete(code);
                    }
                })
                .join();
    }

    @Test
    void textAndBinaryFragmentsArriveWithTheirTypeAndFin() throws Exception {
        LinkedBlockingQueue<Fragment> got = new LinkedBlockingQueue<>();
        serve(new WebSocketHandler() {
            @Override
            public void onFragment(WebSocket ws, ByteBuffer data, boolean text, boolean last) {
                got.add(new Fragment(StandardCharsets.UTF_8.decode(data).toString(), text, last));
            }
        });
        WebSocket ws = connect(new CompletableFuture<>());

        ws.sendFragment(utf8("hé"), true, false);
        ws.sendFragment(utf8("llo"), true, false);
        ws.sendFragment(utf8("!"), true, true);
        ws.sendFragment(utf8("bin"), false, true);
        ws.send("whole");

        assertThat(take(got)).isEqualTo(new Fragment("hé", true, false));
        assertThat(take(got)).isEqualTo(new Fragment("llo", true, false));
        assertThat(take(got)).isEqualTo(new Fragment("!", true, true));
        assertThat(take(got)).isEqualTo(new Fragment("bin", false, true));
        // An unfragmented message is one fragment with FIN set.
        assertThat(take(got)).isEqualTo(new Fragment("whole", true, true));
    }

    @Test
    void aHandlerWithoutOnFragmentFailsTheConnectionWith1011AndSaysWhy() throws Exception {
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        serve(new WebSocketHandler() {
            @Override
            public void onText(WebSocket ws, String text) {
                throw new AssertionError("assembly is off: no whole messages");
            }

            @Override
            public void onError(WebSocket ws, Throwable e) {
                error.complete(e);
            }
        });
        CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        WebSocket ws = connect(closeCode);

        ws.send("lost?");

        assertThat(error.get(10, TimeUnit.SECONDS))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("onFragment");
        assertThat(closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1011);
    }

    private static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Fragment take(LinkedBlockingQueue<Fragment> q) throws InterruptedException {
        Fragment f = q.poll(10, TimeUnit.SECONDS);
        if (f == null) {
            throw new AssertionError("no fragment within 10 s");
        }
        return f;
    }
}
