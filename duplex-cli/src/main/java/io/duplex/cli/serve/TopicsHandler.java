package io.duplex.cli.serve;

import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;

/**
 * {@code duplex serve --topics}: clients drive publish/subscribe with one-line text commands —
 * {@code subscribe TOPIC}, {@code unsubscribe TOPIC}, {@code publish TOPIC MESSAGE} (to every
 * subscriber but the sender). Subscriptions answer {@code ok}; mistakes answer {@code error: …}
 * and never close the connection. With {@code --redis} the topics span every node.
 *
 * <p>Threading: callbacks run on the sockets' event loops; the broker is safe from any thread.
 */
final class TopicsHandler implements WebSocketHandler {
    static final int MAX_TOPIC = 128;

    @Override
    public void onText(WebSocket ws, String line) {
        int space = line.indexOf(' ');
        String verb = space < 0 ? line : line.substring(0, space);
        String rest = space < 0 ? "" : line.substring(space + 1);
        switch (verb) {
            case "subscribe", "unsubscribe" -> {
                if (!validTopic(rest)) {
                    ws.send("error: " + verb + " needs one topic (1-" + MAX_TOPIC + " chars, no spaces)");
                } else if (verb.equals("subscribe")) {
                    ws.subscribe(rest);
                    ws.send("ok subscribed " + rest);
                } else {
                    ws.unsubscribe(rest);
                    ws.send("ok unsubscribed " + rest);
                }
            }
            case "publish" -> {
                int sep = rest.indexOf(' ');
                String topic = sep < 0 ? rest : rest.substring(0, sep);
                if (!validTopic(topic) || sep < 0) {
                    ws.send("error: usage: publish TOPIC MESSAGE");
                } else {
                    ws.publish(topic, rest.substring(sep + 1));
                }
            }
            default -> ws.send("error: unknown command; use subscribe TOPIC, unsubscribe TOPIC, publish TOPIC MESSAGE");
        }
    }

    private static boolean validTopic(String topic) {
        return !topic.isEmpty() && topic.length() <= MAX_TOPIC && topic.indexOf(' ') < 0;
    }
}
