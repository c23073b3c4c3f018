package io.duplex.jakarta;

import jakarta.websocket.EncodeException;
import jakarta.websocket.Encoder;
import jakarta.websocket.EndpointConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection's encoders. Jakarta WebSocket 2.1 §4.1.2: a new instance of each per connection;
 * an object is encoded by the first encoder whose type is its class or a superclass. Strings,
 * primitives' wrappers, {@code ByteBuffer} and {@code byte[]} need no encoder (the {@code
 * RemoteEndpoint.Basic.sendObject} contract).
 *
 * <p>Threading: guarded by the caller (the session serializes encoding).
 */
final class EncoderSet {
    /** An encoded message: text or binary. */
    sealed interface Encoded {
        record Text(String text) implements Encoded {}

        record Binary(ByteBuffer data) implements Encoded {}
    }

    private record Entry(Encoder encoder, Class<?> type) {}

    private final List<Entry> entries;

    private EncoderSet(List<Entry> entries) {
        this.entries = entries;
    }

    static EncoderSet create(List<Class<? extends Encoder>> classes, EndpointConfig config) {
        List<Entry> entries = new ArrayList<>(classes.size());
        for (Class<? extends Encoder> c : classes) {
            Encoder e = Instances.create(c);
            e.init(config);
            entries.add(new Entry(e, acceptedType(c)));
        }
        return new EncoderSet(entries);
    }

    void destroy() {
        for (Entry e : entries) {
            e.encoder.destroy();
        }
    }

    private static Class<?> acceptedType(Class<?> encoderClass) {
        for (Class<?> kind : List.of(
                Encoder.Text.class, Encoder.TextStream.class, Encoder.Binary.class, Encoder.BinaryStream.class)) {
            if (kind.isAssignableFrom(encoderClass)) {
                Class<?> t = TypeArguments.of(encoderClass, kind);
                return t == null ? Object.class : t;
            }
        }
        return Object.class;
    }

    /** Encodes {@code o}: a user encoder first, then the built-in types. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    synchronized Encoded encode(Object o) throws EncodeException, IOException {
        if (o == null) {
            throw new IllegalArgumentException("cannot send null");
        }
        for (Entry e : entries) {
            if (!e.type.isInstance(o)) {
                continue;
            }
            if (e.encoder instanceof Encoder.Text t) {
                return new Encoded.Text(t.encode(o));
            }
            if (e.encoder instanceof Encoder.TextStream t) {
                StringWriter w = new StringWriter();
                t.encode(o, w);
                return new Encoded.Text(w.toString());
            }
            if (e.encoder instanceof Encoder.Binary b) {
                return new Encoded.Binary(b.encode(o));
            }
            if (e.encoder instanceof Encoder.BinaryStream b) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                b.encode(o, out);
                return new Encoded.Binary(ByteBuffer.wrap(out.toByteArray()));
            }
        }
        if (o instanceof ByteBuffer b) {
            return new Encoded.Binary(b);
        }
        if (o instanceof byte[] bytes) {
            return new Encoded.Binary(ByteBuffer.wrap(bytes));
        }
        if (o instanceof String || o instanceof Number || o instanceof Boolean || o instanceof Character) {
            // §4.7 (WSC-4.7-3) and RemoteEndpoint.Basic.sendObject: primitives as their string form.
            return new Encoded.Text(o.toString());
        }
        throw new EncodeException(o, "no encoder for " + o.getClass().getName());
    }
}
