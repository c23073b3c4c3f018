/**
 * The topics wire protocol, version 1: {@code TopicsHandler} serves subscribe, unsubscribe,
 * publish, history, presence, presence_stats and ping as JSON text messages over one WebSocket, on a server's streams; {@code
 * TopicsCodec} encodes what stream subscribers are sent; {@code io.duplex.topics.client} has the
 * Java client ({@code TopicsClient}), whose listeners receive payloads as Jackson {@code JsonNode}s
 * (the server side's API has no Jackson types). The browser client {@code topics.js} is a resource
 * in {@code io/duplex/topics/js}.
 *
 * <p>Threading: each type states its own rule.
 */
module io.duplex.topics {
    requires transitive io.duplex;
    // Transitive: the client (io.duplex.topics.client) hands payloads to listeners as JsonNode.
    requires transitive com.fasterxml.jackson.databind;

    exports io.duplex.topics;
    exports io.duplex.topics.client;

    // The browser client topics.js as a resource, readable by the runtime's static files.
    opens io.duplex.topics.js;
}
