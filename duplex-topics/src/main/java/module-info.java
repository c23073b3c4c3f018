/**
 * The topics wire protocol, version 1: {@code TopicsHandler} serves subscribe, unsubscribe,
 * publish, history and ping as JSON text messages over one WebSocket, on a server's streams; {@code
 * TopicsCodec} encodes what stream subscribers are sent. Only {@code io.duplex.topics} is exported;
 * Jackson types do not appear in its API.
 *
 * <p>Threading: each type states its own rule.
 */
module io.duplex.topics {
    requires transitive io.duplex;
    requires com.fasterxml.jackson.databind;

    exports io.duplex.topics;
}
