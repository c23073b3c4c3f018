package io.duplex.fuzz;

import io.duplex.frame.Utf8Validator;
import io.duplex.protocol.Event;
import io.duplex.protocol.Protocol;
import io.duplex.protocol.ProtocolConfig;
import io.duplex.protocol.Role;
import io.duplex.testing.ProtocolRecorder;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a {@link Protocol} did with one input, checked as it happens: every event within the
 * configured limits, one {@code Close} at most and nothing after it, and text fragments that the
 * JDK's own strict UTF-8 decoder accepts (an oracle independent of {@link Utf8Validator}).
 */
final class Observed implements Protocol.EventSink, Protocol.Output {
    final ProtocolRecorder recorder = new ProtocolRecorder();
    final List<String> events = new ArrayList<>();
    /** Complete messages, pings, pongs and the close, whether assembled by the engine or here. */
    final List<String> normalized = new ArrayList<>();

    private final ProtocolConfig config;
    private final ByteArrayOutputStream fragments = new ByteArrayOutputStream();
    private boolean fragmentsText;
    private Event.Close close;

    Observed(ProtocolConfig config) {
        this.config = config;
    }

    Protocol.Builder builder(Role role) {
        return recorder.builder(role).events(this).output(this);
    }

    Event.Close close() {
        return close;
    }

    @Override
    public void write(ByteBuffer header, ByteBuffer payload) {
        Check.that(header.remaining() >= 2 && header.remaining() <= 14, () -> "header of " + header.remaining());
        recorder.write(header, payload);
    }

    @Override
    public void onEvent(Event event) {
        Check.that(close == null, () -> "event after Close: " + ProtocolRecorder.describe(event));
        long max = config.maxMessageSize();
        if (event instanceof Event.Text t) {
            int n = t.text().getBytes(StandardCharsets.UTF_8).length;
            Check.that(n <= max, () -> "text message of " + n + " bytes > " + max);
            normalized.add("text:" + t.text());
        } else if (event instanceof Event.Binary b) {
            Check.that(
                    b.data().remaining() <= max,
                    () -> "binary message of " + b.data().remaining() + " > " + max);
            normalized.add("binary:" + hex(b.data()));
        } else if (event instanceof Event.Fragment f) {
            onFragment(f, max);
        } else if (event instanceof Event.Ping p) {
            Check.that(p.data().remaining() <= 125, () -> "ping over 125 bytes");
            normalized.add("ping:" + hex(p.data()));
        } else if (event instanceof Event.Pong p) {
            Check.that(p.data().remaining() <= 125, () -> "pong over 125 bytes");
            normalized.add("pong:" + hex(p.data()));
        } else {
            close = (Event.Close) event;
            normalized.add(ProtocolRecorder.describe(event));
        }
        events.add(ProtocolRecorder.describe(event));
        recorder.onEvent(event);
    }

    private void onFragment(Event.Fragment f, long max) {
        if (fragments.size() == 0) {
            fragmentsText = f.text();
        }
        Check.that(f.text() == fragmentsText, () -> "fragment type changed inside a message");
        fragments.writeBytes(bytes(f.data()));
        int n = fragments.size();
        Check.that(n <= max, () -> "fragmented message of " + n + " bytes > " + max);
        byte[] soFar = fragments.toByteArray();
        if (f.text()) {
            Check.that(
                    f.last() ? jdkAcceptsUtf8(soFar) : jdkExtendsToUtf8(soFar),
                    () -> "JDK rejects delivered text " + io.duplex.testing.Hex.of(soFar) + " (last=" + f.last() + ")");
        }
        if (f.last()) {
            normalized.add(
                    f.text()
                            ? "text:" + new String(soFar, StandardCharsets.UTF_8)
                            : "binary:" + hex(ByteBuffer.wrap(soFar)));
            fragments.reset();
        }
    }

    /** Whether the JDK's strict decoder accepts {@code b} as UTF-8. */
    static boolean jdkAcceptsUtf8(byte[] b) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /**
     * Whether {@code b} is a prefix of some valid UTF-8, per the JDK: it is valid, or becomes valid
     * with one to three continuation bytes. {@code 80}, {@code 90} and {@code A0} between them
     * meet every lead byte's range for the second byte (RFC 3629 §4), so they are enough.
     */
    static boolean jdkExtendsToUtf8(byte[] b) {
        if (jdkAcceptsUtf8(b)) {
            return true;
        }
        byte[] candidates = {(byte) 0x80, (byte) 0x90, (byte) 0xA0};
        byte[] longer = Arrays.copyOf(b, b.length + 3);
        for (int n = 1; n <= 3; n++) {
            int combinations = (int) Math.pow(candidates.length, n);
            for (int c = 0; c < combinations; c++) {
                for (int i = 0, rest = c; i < n; i++, rest /= candidates.length) {
                    longer[b.length + i] = candidates[rest % candidates.length];
                }
                if (jdkAcceptsUtf8(Arrays.copyOf(longer, b.length + n))) {
                    return true;
                }
            }
        }
        return false;
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    private static String hex(ByteBuffer b) {
        return io.duplex.testing.Hex.of(b);
    }
}
