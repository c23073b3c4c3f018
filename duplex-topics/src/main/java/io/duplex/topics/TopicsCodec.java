package io.duplex.topics;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.duplex.HistoryPage;
import io.duplex.Member;
import io.duplex.Position;
import io.duplex.PreparedMessage;
import io.duplex.PresenceEvent;
import io.duplex.PresencePage;
import io.duplex.PresenceStats;
import io.duplex.Publication;
import io.duplex.StreamCodec;
import io.duplex.StreamError;
import io.duplex.Subscribed;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The server's side of the topics wire protocol, version 1: every message the server sends, as
 * JSON text. As a {@link StreamCodec} it encodes what stream subscribers are sent ({@code
 * subscribed}, {@code pub}, {@code interrupted}, and the presence events {@code join} and {@code
 * leave}); {@link TopicsHandler} also sends its replies through it.
 *
 * <p>A publication's payload becomes the {@code data} member: text that is one JSON value (within
 * the protocol's nesting and number limits) is embedded as that value, other text as a JSON
 * string, binary as a base64 string with {@code "encoding":"base64"}. Each publication is checked
 * and encoded once, however many subscribers receive it: the runtime caches the encoding per
 * codec, and this codec remembers its recent encodings, so the per-subscribe codecs of {@link
 * TopicsHandler} (which carry the request's id) share them too.
 *
 * <p>Threading: thread-safe and non-blocking; one instance serves every socket.
 */
public final class TopicsCodec implements StreamCodec {
    /** Recent encodings kept (by publication identity); small, since it keeps payloads alive. */
    private static final int RECENT = 16;

    private record Encoded(Publication publication, PreparedMessage message) {}

    private record EncodedEvent(PresenceEvent event, PreparedMessage message) {}

    private final AtomicReferenceArray<Encoded> recent = new AtomicReferenceArray<>(RECENT);
    private final AtomicReferenceArray<EncodedEvent> recentEvents = new AtomicReferenceArray<>(RECENT);

    /** A codec; share one per server. */
    public TopicsCodec() {}

    @Override
    public PreparedMessage subscribed(Subscribed result) {
        return PreparedMessage.text(subscribed(null, result));
    }

    @Override
    public PreparedMessage publication(Publication p) {
        int slot = System.identityHashCode(p) & (RECENT - 1);
        Encoded e = recent.get(slot);
        if (e != null && e.publication() == p) {
            return e.message();
        }
        PreparedMessage m = PreparedMessage.text(write(g -> {
            g.writeStringField("type", "pub");
            g.writeStringField("topic", p.topic());
            position(g, "position", p.position());
            g.writeNumberField("time", p.timeMillis());
            data(g, p.message());
        }));
        recent.set(slot, new Encoded(p, m));
        return m;
    }

    @Override
    public PreparedMessage interrupted(String topic, Position current) {
        return PreparedMessage.text(write(g -> {
            g.writeStringField("type", "interrupted");
            g.writeStringField("topic", topic);
            position(g, "position", current);
        }));
    }

    /**
     * A {@code join} or {@code leave} event. The runtime hands one event object to every
     * subscriber of the topic on this node, so it is encoded once and the encoding shared (as for
     * publications); whether a subscriber gets it at all is its {@link SubscriberCodec}'s call.
     */
    @Override
    public PreparedMessage presence(PresenceEvent e) {
        int slot = System.identityHashCode(e) & (RECENT - 1);
        EncodedEvent cached = recentEvents.get(slot);
        if (cached != null && cached.event() == e) {
            return cached.message();
        }
        PreparedMessage m = PreparedMessage.text(write(g -> {
            g.writeStringField("type", e.joined() ? "join" : "leave");
            g.writeStringField("topic", e.topic());
            g.writeFieldName("member");
            member(g, e.member());
            g.writeBooleanField("user", e.user());
        }));
        recentEvents.set(slot, new EncodedEvent(e, m));
        return m;
    }

    /** The {@code subscribed} answer, with the subscribe's id when it had one. */
    String subscribed(JsonNode id, Subscribed r) {
        return write(g -> {
            g.writeStringField("type", "subscribed");
            id(g, id);
            g.writeStringField("topic", r.topic());
            g.writeBooleanField("recovered", r.recovered());
            position(g, "position", r.position());
            g.writeNumberField("replayed", r.replayed());
        });
    }

    String unsubscribed(JsonNode id, String topic) {
        return write(g -> {
            g.writeStringField("type", "unsubscribed");
            id(g, id);
            g.writeStringField("topic", topic);
        });
    }

    String published(JsonNode id, String topic, Position position) {
        return write(g -> {
            g.writeStringField("type", "published");
            id(g, id);
            g.writeStringField("topic", topic);
            position(g, "position", position);
        });
    }

    String history(JsonNode id, String topic, HistoryPage page) {
        return write(g -> {
            g.writeStringField("type", "history");
            id(g, id);
            g.writeStringField("topic", topic);
            position(g, "latest", page.latest());
            g.writeArrayFieldStart("publications");
            for (Publication p : page.publications()) {
                g.writeStartObject();
                position(g, "position", p.position());
                g.writeNumberField("time", p.timeMillis());
                data(g, p.message());
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    String presencePage(JsonNode id, String topic, PresencePage page) {
        return write(g -> {
            g.writeStringField("type", "presence");
            id(g, id);
            g.writeStringField("topic", topic);
            g.writeArrayFieldStart("members");
            for (Member m : page.members()) {
                member(g, m);
            }
            g.writeEndArray();
            if (page.cursor() == null) {
                g.writeNullField("cursor");
            } else {
                g.writeStringField("cursor", page.cursor());
            }
        });
    }

    String presenceStats(JsonNode id, String topic, PresenceStats stats) {
        return write(g -> {
            g.writeStringField("type", "presence_stats");
            id(g, id);
            g.writeStringField("topic", topic);
            g.writeNumberField("connections", stats.connections());
            g.writeNumberField("users", stats.users());
        });
    }

    String error(JsonNode id, StreamError error, String message) {
        return write(g -> {
            g.writeStringField("type", "error");
            id(g, id);
            g.writeNumberField("code", error.code());
            g.writeStringField("error", error.name());
            g.writeStringField("message", message);
        });
    }

    String pong(JsonNode id) {
        return write(g -> {
            g.writeStringField("type", "pong");
            id(g, id);
        });
    }

    // ------------------------------------------------------------------ members

    private interface Members {
        void write(JsonGenerator g) throws IOException;
    }

    /** One JSON object holding {@code members}. */
    private static String write(Members members) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = JsonLimits.MAPPER.createGenerator(out)) {
            g.writeStartObject();
            members.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    private static void id(JsonGenerator g, JsonNode id) throws IOException {
        if (id != null) {
            g.writeFieldName("id");
            g.writeTree(id);
        }
    }

    private static void position(JsonGenerator g, String name, Position p) throws IOException {
        g.writeObjectFieldStart(name);
        g.writeStringField("epoch", p.epoch());
        g.writeNumberField("offset", p.offset());
        g.writeEndObject();
    }

    /**
     * A member object. Its info follows the data rule for text: one JSON value is embedded as
     * that value, other text as a JSON string; no info at all is {@code null}.
     */
    private static void member(JsonGenerator g, Member m) throws IOException {
        g.writeStartObject();
        g.writeStringField("client", m.clientId());
        g.writeStringField("user", m.userId());
        if (m.info().isEmpty()) {
            g.writeNullField("info");
        } else if (JsonLimits.isJson(m.info())) {
            g.writeFieldName("info");
            g.writeRawValue(m.info());
        } else {
            g.writeStringField("info", m.info());
        }
        g.writeEndObject();
    }

    /** The data rule of the protocol (see the class comment). */
    private static void data(JsonGenerator g, PreparedMessage message) throws IOException {
        ByteBuffer payload = message.payload().duplicate();
        if (message.isText()) {
            String text = StandardCharsets.UTF_8.decode(payload).toString();
            if (JsonLimits.isJson(text)) {
                g.writeFieldName("data");
                g.writeRawValue(text);
            } else {
                g.writeStringField("data", text);
            }
        } else {
            byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            g.writeStringField("data", Base64.getEncoder().encodeToString(bytes));
            g.writeStringField("encoding", "base64");
        }
    }
}
