package io.duplex.jakarta;

import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;
import jakarta.websocket.EndpointConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection's decoders, in the order the endpoint declared them. Jakarta WebSocket 2.1
 * §4.1.3: a new instance of each per connection, {@code willDecode} asked before {@code decode},
 * the first decoder of the message's native type that will decode it wins.
 *
 * <p>Threading: used by one connection, one message at a time (§5.1).
 */
final class DecoderSet {
    /** A decoder and the type it produces. */
    record Entry(Decoder decoder, Class<?> type) {}

    private final List<Entry> entries;

    private DecoderSet(List<Entry> entries) {
        this.entries = entries;
    }

    /** Instantiates and initializes the declared decoders (§4.1.3: public no-arg constructors). */
    static DecoderSet create(List<Class<? extends Decoder>> classes, EndpointConfig config) {
        List<Entry> entries = new ArrayList<>(classes.size());
        for (Class<? extends Decoder> c : classes) {
            Decoder d = Instances.create(c);
            d.init(config);
            entries.add(new Entry(d, producedType(c)));
        }
        return new DecoderSet(entries);
    }

    /** Calls {@code destroy} on each decoder (the connection ended). */
    void destroy() {
        for (Entry e : entries) {
            e.decoder.destroy();
        }
    }

    /** The type a decoder class produces, from its {@code Decoder.*<T>} interface. */
    static Class<?> producedType(Class<?> decoderClass) {
        for (Class<?> kind : List.of(
                Decoder.Text.class, Decoder.TextStream.class, Decoder.Binary.class, Decoder.BinaryStream.class)) {
            if (kind.isAssignableFrom(decoderClass)) {
                Class<?> t = TypeArguments.of(decoderClass, kind);
                return t == null ? Object.class : t;
            }
        }
        return Object.class;
    }

    /** Whether one of the decoder classes produces {@code type} from text (or binary) messages. */
    static boolean declares(List<Class<? extends Decoder>> classes, Class<?> type, boolean text) {
        for (Class<? extends Decoder> c : classes) {
            boolean kind = text
                    ? Decoder.Text.class.isAssignableFrom(c) || Decoder.TextStream.class.isAssignableFrom(c)
                    : Decoder.Binary.class.isAssignableFrom(c) || Decoder.BinaryStream.class.isAssignableFrom(c);
            if (kind && type.isAssignableFrom(producedType(c))) {
                return true;
            }
        }
        return false;
    }

    /** Whether a decoder produces {@code type} from text messages. */
    boolean decodesText(Class<?> type) {
        return entries.stream()
                .anyMatch(e -> (e.decoder instanceof Decoder.Text<?> || e.decoder instanceof Decoder.TextStream<?>)
                        && type.isAssignableFrom(e.type));
    }

    /** Whether a decoder produces {@code type} from binary messages. */
    boolean decodesBinary(Class<?> type) {
        return entries.stream()
                .anyMatch(e -> (e.decoder instanceof Decoder.Binary<?> || e.decoder instanceof Decoder.BinaryStream<?>)
                        && type.isAssignableFrom(e.type));
    }

    /**
     * Decodes a text message into {@code type}.
     *
     * @return the object, or {@link #NO_DECODER} when no decoder of that type will decode it
     */
    Object decodeText(String text, Class<?> type) throws DecodeException, IOException {
        for (Entry e : entries) {
            if (!type.isAssignableFrom(e.type)) {
                continue;
            }
            if (e.decoder instanceof Decoder.Text<?> d && d.willDecode(text)) {
                return d.decode(text);
            }
            if (e.decoder instanceof Decoder.TextStream<?> d) {
                return d.decode(new StringReader(text));
            }
        }
        return NO_DECODER;
    }

    /** Decodes a binary message into {@code type}, or {@link #NO_DECODER}. */
    Object decodeBinary(ByteBuffer data, Class<?> type) throws DecodeException, IOException {
        for (Entry e : entries) {
            if (!type.isAssignableFrom(e.type)) {
                continue;
            }
            if (e.decoder instanceof Decoder.Binary<?> d && d.willDecode(data.duplicate())) {
                return d.decode(data.duplicate());
            }
            if (e.decoder instanceof Decoder.BinaryStream<?> d) {
                byte[] bytes = new byte[data.remaining()];
                data.duplicate().get(bytes);
                return d.decode(new ByteArrayInputStream(bytes));
            }
        }
        return NO_DECODER;
    }

    /** Returned when no decoder takes the message (the caller closes with 1003). */
    static final Object NO_DECODER = new Object();
}
