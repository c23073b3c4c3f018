package io.duplex.socketio;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.duplex.PreparedMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What nodes tell each other for a broadcast with acknowledgements across nodes ({@link
 * AckBroadcasts}), after the reference Redis adapter's {@code BROADCAST} request and its {@code
 * BROADCAST_CLIENT_COUNT} and {@code BROADCAST_ACK} responses. JSON by Jackson, the kind in
 * {@code "t"}; binary values travel as Socket.IO placeholders ({@code {"_placeholder":true,
 * "num":n}}) with the bytes beside them in {@code attachments} (base64 in the JSON), so a {@code
 * byte[]} argument or answer arrives as a {@code byte[]}.
 *
 * <p>Threading: immutable values; the codec is stateless.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "t")
@JsonSubTypes({
    @JsonSubTypes.Type(value = AckMessage.Request.class, name = "request"),
    @JsonSubTypes.Type(value = AckMessage.Count.class, name = "count"),
    @JsonSubTypes.Type(value = AckMessage.Answer.class, name = "ack")
})
sealed interface AckMessage {

    /** The id of the broadcast this message belongs to (unique per requesting server). */
    String request();

    /**
     * On the namespace's request topic, to every node: send the event ({@code data}, the {@code
     * [event, ...args]} array with placeholders) to your targets under an ack id of your own, and
     * answer on the reply topic of {@code from}; stop waiting after {@code timeoutMillis}.
     */
    record Request(
            String request,
            String from,
            Set<String> rooms,
            Set<String> except,
            JsonNode data,
            List<byte[]> attachments,
            long timeoutMillis)
            implements AckMessage {
        public Request {
            // Checked here so that a malformed message fails decoding (null) rather than a sink.
            Objects.requireNonNull(request);
            Objects.requireNonNull(from);
            Objects.requireNonNull(rooms);
            Objects.requireNonNull(except);
            Objects.requireNonNull(data);
            Objects.requireNonNull(attachments);
        }
    }

    /** A node's number of targets (0 too): the answers to expect from it. */
    record Count(String request, String node, int count) implements AckMessage {
        public Count {
            Objects.requireNonNull(request);
            Objects.requireNonNull(node);
        }
    }

    /** One client's ack: its first argument (the reference keeps only that one). */
    record Answer(String request, JsonNode value, List<byte[]> attachments) implements AckMessage {
        public Answer {
            Objects.requireNonNull(request);
            Objects.requireNonNull(attachments);
        }
    }

    static PreparedMessage encode(AckMessage m) {
        try {
            return PreparedMessage.text(
                    SioCodec.JSON.writerFor(AckMessage.class).writeValueAsString(m));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The message, or null when it is not one (logged by the caller). */
    static AckMessage decode(PreparedMessage m) {
        try {
            return SioCodec.JSON.readValue(
                    StandardCharsets.UTF_8.decode(m.payload().duplicate()).toString(), AckMessage.class);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
