package io.duplex.interop;

import io.duplex.testkit.RecordingHandler;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What one Duplex connection saw: the kit's {@link RecordingHandler}, waiting up to {@link
 * #TIMEOUT} (real peers are slower than the kit's default), with each message also seen as a
 * {@link Message} — type, length and SHA-256, the form in which the peers report what they got.
 *
 * <p>Threading: as {@link RecordingHandler}; the digests are cached per event under their own lock.
 */
final class Recorder extends RecordingHandler {
    static final Duration TIMEOUT = Duration.ofSeconds(15);

    /** A whole message: its type, byte length and digest; short texts are kept as they are. */
    record Message(String type, long length, String sha256, String text) {
        static Message text(String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            return new Message("text", bytes.length, Payload.sha256(bytes), bytes.length <= 200 ? text : null);
        }

        static Message binary(ByteBuffer data) {
            return new Message("binary", data.remaining(), Payload.sha256(data), null);
        }

        static Message binary(byte[] data) {
            return binary(ByteBuffer.wrap(data));
        }
    }

    private final Map<Event, Message> digests = Collections.synchronizedMap(new IdentityHashMap<>());

    /** As {@link RecordingHandler#await(Class, Predicate)}, waiting up to {@link #TIMEOUT}. */
    @Override
    public <E extends Event> E await(Class<E> type, Predicate<? super E> matches) {
        return await(type, matches, TIMEOUT);
    }

    /** The first recorded message that matches, waiting up to {@link #TIMEOUT}. */
    Message awaitMessage(Predicate<? super Message> matches) {
        return message(await(Event.class, e -> message(e) != null && matches.test(message(e))));
    }

    /** The first recorded message, waiting up to {@link #TIMEOUT}. */
    Message awaitMessage() {
        return awaitMessage(m -> true);
    }

    /** Every message recorded so far, in arrival order. */
    List<Message> received() {
        return events().stream().map(this::message).filter(Objects::nonNull).toList();
    }

    /** The message an event carries, or null if it is not a text or binary message. */
    private Message message(Event e) {
        if (e instanceof Text t) {
            return digests.computeIfAbsent(e, k -> Message.text(t.text()));
        }
        if (e instanceof Binary b) {
            return digests.computeIfAbsent(e, k -> Message.binary(b.data()));
        }
        return null;
    }
}
