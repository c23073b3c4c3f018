package io.duplex.streams;

import io.duplex.Position;
import io.duplex.PreparedMessage;
import io.duplex.Publication;
import io.duplex.StreamCodec;
import io.duplex.Subscribed;
import java.nio.charset.StandardCharsets;

/**
 * A test wire protocol of one text line per message: {@code sub <topic> <recovered> <offset>@<epoch>
 * <replayed>}, {@code pub <topic> <offset>@<epoch> <payload>}, {@code int <topic> <offset>@<epoch>}.
 * It counts its publication encodes, so tests can check a publication is encoded once.
 *
 * <p>Threading: thread-safe.
 */
final class LineCodec implements StreamCodec {
    final java.util.concurrent.atomic.AtomicInteger publicationsEncoded =
            new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public PreparedMessage subscribed(Subscribed r) {
        return PreparedMessage.text("sub " + r.topic() + " " + r.recovered() + " " + r.position() + " " + r.replayed());
    }

    @Override
    public PreparedMessage publication(Publication p) {
        publicationsEncoded.incrementAndGet();
        String payload = p.message().isText()
                ? StandardCharsets.UTF_8.decode(p.message().payload()).toString()
                : "<binary>";
        return PreparedMessage.text("pub " + p.topic() + " " + p.position() + " " + payload);
    }

    @Override
    public PreparedMessage interrupted(String topic, Position current) {
        return PreparedMessage.text("int " + topic + " " + current);
    }

    @Override
    public PreparedMessage presence(io.duplex.PresenceEvent e) {
        return PreparedMessage.text(
                (e.joined() ? "join " : "leave ") + e.topic() + " " + e.member().userId() + " " + e.user());
    }

    /** Parses {@code <offset>@<epoch>}. */
    static Position position(String s) {
        int at = s.indexOf('@');
        return new Position(s.substring(at + 1), Long.parseLong(s.substring(0, at)));
    }
}
