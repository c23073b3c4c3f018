package io.duplex;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.testkit.Loopback;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link WebSocket#publish} returns the number of local subscribers the message was handed to:
 * all of them when the sender is not one, all but the sender when it is.
 */
class PublishCountTest extends LoopbackTest {

    /** "sub" subscribes to "t" and answers "subscribed"; "pub" publishes and answers the count. */
    WebSocket connect(LinkedBlockingQueue<String> inbox) {
        return client.connect(Loopback.uri(server, "/"), WebSocketHandler.onText((ws, text) -> inbox.add(text)))
                .join();
    }

    @Test
    void aPublisherThatIsNotSubscribedReachesEverySubscriberAndSaysSo() throws Exception {
        server = Loopback.server()
                .eventLoops(2)
                .route("/", WebSocketHandler.onText((ws, text) -> {
                    if (text.equals("sub")) {
                        ws.subscribe("t");
                        ws.send("subscribed");
                    } else if (text.equals("pub")) {
                        ws.send("count " + ws.publish("t", "news"));
                    }
                }))
                .start();
        LinkedBlockingQueue<String> a = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<String> b = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<String> publisher = new LinkedBlockingQueue<>();
        WebSocket wsA = connect(a);
        WebSocket wsB = connect(b);
        WebSocket wsP = connect(publisher);
        wsA.send("sub");
        wsB.send("sub");
        assertThat(next(a)).isEqualTo("subscribed");
        assertThat(next(b)).isEqualTo("subscribed");

        wsP.send("pub");
        assertThat(next(publisher)).isEqualTo("count 2");
        assertThat(next(a)).isEqualTo("news");
        assertThat(next(b)).isEqualTo("news");

        wsA.send("pub"); // a subscriber publishing: everyone but itself
        assertThat(next(a)).isEqualTo("count 1");
        assertThat(next(b)).isEqualTo("news");
        assertThat(publisher.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    private static String next(LinkedBlockingQueue<String> q) throws InterruptedException {
        String s = q.poll(10, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("nothing received within 10 s");
        }
        return s;
    }
}
