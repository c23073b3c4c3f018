package io.duplex.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.duplex.frame.Violation;
import io.duplex.protocol.Event;
import io.duplex.protocol.Protocol;
import io.duplex.protocol.Role;
import io.duplex.testing.Hex;
import io.duplex.testing.ProtocolRecorder;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * Target 6: one Close frame with an arbitrary payload, through {@link Protocol}.
 *
 * <p>Input: byte 0 options (bit 0 client role, bit 1 a text message before the Close, bit 2 feed
 * one byte at a time); the rest is the Close payload, framed here with the minimal length
 * encoding (so over 125 bytes it is a control frame too long).
 *
 * <p>Oracle, from a model written here independently of the engine (RFC 6455 §5.5.1, §7.4, the
 * JDK's strict UTF-8 decoder): an empty payload is a clean close with 1005; one byte fails with
 * {@code CLOSE_PAYLOAD_ONE_BYTE}; a code not allowed on the wire with {@code INVALID_CLOSE_CODE};
 * a reason that is not UTF-8 with {@code INVALID_CLOSE_REASON_UTF8}; over 125 bytes with {@code
 * CONTROL_FRAME_TOO_LONG}; anything else is a clean close with that code and reason, answered by
 * a Close echoing the code. A failure writes a Close with the violation's code. Nothing else.
 */
class ClosePayloadFuzzTest {

    private static final Set<Violation> CLOSE_VIOLATIONS = Set.of(
            Violation.INVALID_CLOSE_CODE,
            Violation.CLOSE_PAYLOAD_ONE_BYTE,
            Violation.INVALID_CLOSE_REASON_UTF8,
            Violation.CONTROL_FRAME_TOO_LONG);

    @FuzzTest
    void closeFrame(byte[] data) {
        int options = data.length > 0 ? data[0] & 0xFF : 0;
        byte[] payload = data.length > 0 ? java.util.Arrays.copyOfRange(data, 1, data.length) : new byte[0];
        Role role = (options & 1) != 0 ? Role.CLIENT : Role.SERVER;
        boolean messageFirst = (options & 2) != 0;
        boolean byteByByte = (options & 4) != 0;

        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        if (messageFirst) {
            plain.writeBytes(Hex.bytes("81 05 48 65 6c 6c 6f")); // RFC 6455 §5.7 "Hello"
        }
        plain.writeBytes(frame(0x88, payload));
        byte[] wire = role == Role.SERVER ? Hex.mask(plain.toByteArray(), Hex.MASK_KEY) : plain.toByteArray();

        Observed observed = new Observed(io.duplex.protocol.ProtocolConfig.DEFAULT);
        Protocol protocol = observed.builder(role).build();
        if (byteByByte) {
            for (byte b : wire) {
                protocol.receive(ByteBuffer.wrap(new byte[] {b}));
            }
        } else {
            protocol.receive(ByteBuffer.wrap(wire));
        }

        Expected expected = model(payload);
        Check.equal(
                messageFirst ? List.of("text:Hello", expected.event) : List.of(expected.event),
                observed.events,
                "events");
        List<ProtocolRecorder.Frame> written = observed.recorder.takeFrames();
        Check.equal(1, written.size(), "frames written");
        ProtocolRecorder.Frame reply = written.get(0);
        Check.that(reply.masked() == (role == Role.CLIENT), () -> "reply masked wrongly");
        Check.equal(expected.replyCode, reply.closeCode(), "close code written");
        Event.Close close = observed.close();
        Check.that(
                close.violation() == null || CLOSE_VIOLATIONS.contains(close.violation()),
                () -> "unexpected violation " + close.violation());
    }

    /** What RFC 6455 says should happen, as a described event and the code of the reply. */
    record Expected(String event, int replyCode) {}

    static Expected model(byte[] payload) {
        if (payload.length > 125) {
            return failure(Violation.CONTROL_FRAME_TOO_LONG);
        }
        if (payload.length == 0) {
            return new Expected("close:1005,,true,null", -1);
        }
        if (payload.length == 1) {
            return failure(Violation.CLOSE_PAYLOAD_ONE_BYTE);
        }
        int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        if (!validOnWire(code)) {
            return failure(Violation.INVALID_CLOSE_CODE);
        }
        byte[] reason = java.util.Arrays.copyOfRange(payload, 2, payload.length);
        if (!Observed.jdkAcceptsUtf8(reason)) {
            return failure(Violation.INVALID_CLOSE_REASON_UTF8);
        }
        return new Expected("close:" + code + "," + new String(reason, StandardCharsets.UTF_8) + ",true,null", code);
    }

    private static Expected failure(Violation v) {
        return new Expected("close:" + v.closeCode() + "," + v.reason() + ",false," + v, v.closeCode());
    }

    /**
     * RFC 6455 §7.4.1–7.4.2 and the IANA registry: 1000–1003 and 1007–1014 defined or registered,
     * 1004 reserved, 1005, 1006 and 1015 never on the wire, 1016–2999 reserved, 3000–4999 for
     * libraries and applications, nothing below 1000 or above 4999.
     */
    static boolean validOnWire(int code) {
        if (code >= 3000 && code <= 4999) {
            return true;
        }
        return switch (code) {
            case 1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014 -> true;
            default -> false;
        };
    }

    /** An unmasked frame with the minimal length encoding, written naively. */
    static byte[] frame(int b0, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b0);
        int n = payload.length;
        if (n < 126) {
            out.write(n);
        } else if (n <= 0xFFFF) {
            out.write(126);
            out.write(n >>> 8);
            out.write(n);
        } else {
            out.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) n >>> shift));
            }
        }
        out.writeBytes(payload);
        return out.toByteArray();
    }
}
