package io.duplex.internal;

import io.duplex.protocol.FramedMessage;
import java.nio.ByteBuffer;

/**
 * What a {@link io.duplex.WebSocket} asks its {@link Connection} to send, as a value that can
 * cross to the event loop: the handle never calls the engine itself. {@link #size()} is what the
 * outbound limit counts before the message is encoded.
 *
 * <p>Threading: immutable values; buffers in them are owned by the message (copied from the
 * caller where the caller may reuse its own).
 */
sealed interface Outgoing {

    /** Payload bytes charged against the outbound limit. */
    long size();

    /** A text message; charged per char (UTF-8 is at most 3 bytes a char, an exact count costs a pass). */
    record Text(String text) implements Outgoing {
        @Override
        public long size() {
            return text.length();
        }
    }

    /**
     * A text message as UTF-8 bytes: the caller's own buffer when sent on the loop (written at
     * once, its position put back), else a copy the handle checked before queuing it.
     */
    record TextUtf8(ByteBuffer utf8) implements Outgoing {
        @Override
        public long size() {
            return utf8.remaining();
        }
    }

    record Binary(ByteBuffer data) implements Outgoing {
        @Override
        public long size() {
            return data.remaining();
        }
    }

    /** One frame of a fragmented message (RFC 6455 §5.4). */
    record Fragment(ByteBuffer data, boolean text, boolean last) implements Outgoing {
        @Override
        public long size() {
            return data.remaining();
        }
    }

    /** A Ping of at most 125 bytes (RFC 6455 §5.5.2). */
    record Ping(ByteBuffer data) implements Outgoing {
        @Override
        public long size() {
            return data.remaining();
        }
    }

    /** An unsolicited Pong of at most 125 bytes: a one-way heartbeat (RFC 6455 §5.5.3). */
    record Pong(ByteBuffer data) implements Outgoing {
        @Override
        public long size() {
            return data.remaining();
        }
    }

    /** A message framed once for many connections. */
    record Prepared(FramedMessage message) implements Outgoing {
        @Override
        public long size() {
            return message.size();
        }
    }
}
