package io.duplex;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Broker.Sink}: subscribers that are not sockets (long-polling sessions, relays). */
class BrokerSinkTest {

    static String text(PreparedMessage m) {
        return StandardCharsets.UTF_8.decode(m.payload()).toString();
    }

    @Test
    void sinkReceivesPublishesOfItsTopicsOnceAndCountsAsASubscriber() {
        InMemoryBroker broker = new InMemoryBroker();
        List<String> activity = new ArrayList<>();
        broker.topicListener((topic, active) -> activity.add(topic + "=" + active));
        List<String> got = new ArrayList<>();
        Broker.Sink sink = (topic, m) -> got.add(topic + ":" + text(m));

        broker.subscribe("a", sink);
        broker.subscribe("a", sink); // a no-op
        broker.subscribe("b", sink);
        assertThat(broker.subscriberCount("a")).isEqualTo(1);
        assertThat(broker.publish("a", PreparedMessage.text("1"), null)).isEqualTo(1);
        broker.publish("b", PreparedMessage.text("2"), null);
        broker.publish("c", PreparedMessage.text("3"), null);
        assertThat(got).containsExactly("a:1", "b:2");

        broker.unsubscribe("a", sink);
        broker.unsubscribe("a", sink); // a no-op
        broker.publish("a", PreparedMessage.text("4"), null);
        broker.unsubscribe("b", sink);
        assertThat(got).containsExactly("a:1", "b:2");
        assertThat(broker.topicCount()).isZero();
        assertThat(activity).containsExactly("a=true", "b=true", "a=false", "b=false");
    }

    @Test
    void aFailingSinkDoesNotStopTheOthers() {
        InMemoryBroker broker = new InMemoryBroker();
        List<String> got = new ArrayList<>();
        broker.subscribe("t", (topic, m) -> {
            throw new IllegalStateException("boom");
        });
        broker.subscribe("t", (topic, m) -> got.add(text(m)));
        assertThat(broker.publish("t", PreparedMessage.text("x"), null)).isEqualTo(2);
        assertThat(got).containsExactly("x");
    }
}
