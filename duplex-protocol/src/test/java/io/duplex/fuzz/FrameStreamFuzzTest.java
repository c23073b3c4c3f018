package io.duplex.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.duplex.deflate.DeflateConfig;
import io.duplex.deflate.PerMessageDeflate;
import io.duplex.extension.Extension;
import io.duplex.extension.ExtensionParameters;
import io.duplex.frame.Violation;
import io.duplex.protocol.CloseCodes;
import io.duplex.protocol.Event;
import io.duplex.protocol.Protocol;
import io.duplex.protocol.ProtocolConfig;
import io.duplex.protocol.Recorder;
import io.duplex.protocol.Role;
import io.duplex.protocol.State;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Target 1: an arbitrary byte stream through {@link Protocol}, as a server or a client, whole and
 * re-chunked at points the fuzzer chooses.
 *
 * <p>Input ({@link FuzzInput}): option bits 0 client role, 1 message assembly off (fragments), 2
 * permessage-deflate negotiated, 3 context takeover, 4 auto-pong off, 5–6 buffer {@link
 * FuzzInput.Flavor} of the chunks; then chunk lengths; then the wire bytes.
 *
 * <p>Oracles:
 *
 * <ul>
 *   <li>{@code receive} never throws and consumes every byte; it never writes outside the
 *       buffer's window (guard bytes);
 *   <li>exactly one {@code Close} (the input is followed by EOF), nothing after it; a failure is
 *       an unclean {@code Close} with a {@link Violation} whose code is the event's code and the
 *       code of the Close frame written, which is the last frame written;
 *   <li>a clean close echoes the peer's code; written frames are masked iff the role is a client,
 *       and are only Pongs echoing the Pings (when auto-pong is on) and one Close;
 *   <li>every message, fragment, ping and pong within the limits (4 KiB frames, 8 KiB messages,
 *       16 fragments); text fragments accepted by the JDK's strict UTF-8 decoder;
 *   <li>re-chunking changes neither the events nor the bytes written; turning message assembly
 *       on or off changes no complete message nor the close;
 *   <li>with permessage-deflate, every pooled codec and chunk is back in the pool at the end.
 * </ul>
 */
class FrameStreamFuzzTest {

    static final ProtocolConfig SMALL = ProtocolConfig.builder()
            .maxFrameSize(4096)
            .maxMessageSize(8192)
            .maxFragments(16)
            .build();

    @FuzzTest
    void frames(byte[] data) {
        FuzzInput in = FuzzInput.parse(data);
        Setup setup = new Setup(
                in.option(0) ? Role.CLIENT : Role.SERVER, !in.option(1), in.option(2), in.option(3), !in.option(4));

        Run whole =
                setup.run(in.body(), List.of(new FuzzInput.Chunk(0, in.body().length, false)), FuzzInput.Flavor.HEAP);
        Run chunked = setup.run(in.body(), in.chunks(), FuzzInput.Flavor.of(in.options() >>> 5));
        boolean f1 = splitDependentViolation(setup, whole) && splitDependentViolation(setup, chunked);
        Check.equal(whole.comparable(f1), chunked.comparable(f1), "events and frames written, whole vs re-chunked");

        Run otherAssembly = setup.withAssembly(!setup.assemble)
                .run(in.body(), List.of(new FuzzInput.Chunk(0, in.body().length, false)), FuzzInput.Flavor.HEAP);
        Check.equal(
                whole.observed.normalized,
                otherAssembly.observed.normalized,
                "messages with assembly " + setup.assemble + " vs " + !setup.assemble);
    }

    record Run(Observed observed, byte[] wire) {
        /**
         * The events and the frames written, described; with {@code relaxed}, the violation of the
         * close and the reason of the Close frame are left out (their code stays).
         */
        List<String> comparable(boolean relaxed) {
            List<String> all = new java.util.ArrayList<>(observed.events);
            for (Recorder.Frame f : framesOf(wire)) {
                byte[] payload = relaxed && f.opcode() == 0x8 ? Arrays.copyOf(f.payload(), 2) : f.payload();
                all.add("wrote " + f.opcode() + ":" + io.duplex.protocol.Hex.of(payload));
            }
            if (relaxed) {
                Event.Close c = observed.close();
                all.set(observed.events.size() - 1, "close:" + c.code() + ",(inflate or UTF-8)");
            }
            return all;
        }
    }

    /**
     * Finding F1 (docs/security.md): with permessage-deflate, a message whose inflated bytes are
     * invalid UTF-8 and whose compressed bytes later turn invalid fails with {@code INVALID_UTF8}
     * or with {@code INVALID_COMPRESSED_DATA} depending on how its bytes were split (the JDK's
     * {@code Inflater} drops the output of the call that hits the bad data). Both are 1007; only
     * which one differs, so the comparison leaves it out. Remove once the engine is split-proof.
     */
    static boolean splitDependentViolation(Setup setup, Run run) {
        Violation v = run.observed.close().violation();
        return setup.deflate && (v == Violation.INVALID_UTF8 || v == Violation.INVALID_COMPRESSED_DATA);
    }

    record Setup(Role role, boolean assemble, boolean deflate, boolean contextTakeover, boolean autoPong) {

        Setup withAssembly(boolean assemble) {
            return new Setup(role, assemble, deflate, contextTakeover, autoPong);
        }

        ProtocolConfig config() {
            return SMALL.toBuilder()
                    .assembleMessages(assemble)
                    .autoPong(autoPong)
                    .build();
        }

        Run run(byte[] body, List<FuzzInput.Chunk> chunks, FuzzInput.Flavor flavor) {
            ProtocolConfig config = config();
            Observed observed = new Observed(config);
            CountingDeflaterPool pool = new CountingDeflaterPool();
            List<Extension> extensions = deflate ? List.of(deflate(pool)) : List.of();
            Protocol protocol =
                    observed.builder(role).config(config).extensions(extensions).build();
            for (FuzzInput.Chunk c : chunks) {
                ByteBuffer buffer = FuzzInput.window(body, c.from(), c.to(), flavor);
                protocol.receive(buffer);
                Check.that(!buffer.hasRemaining(), () -> "receive left " + buffer.remaining() + " bytes");
                FuzzInput.checkGuards(buffer, flavor);
            }
            protocol.receiveEof();
            byte[] wire = observed.recorder.takeBytes();
            checkOutcome(protocol, observed, wire);
            pool.checkAllReturned("after the connection closed");
            pool.clear();
            return new Run(observed, wire);
        }

        private Extension deflate(CountingDeflaterPool pool) {
            PerMessageDeflate factory = new PerMessageDeflate(DeflateConfig.builder()
                    .contextTakeover(contextTakeover)
                    .pool(pool)
                    .build());
            ExtensionParameters element = ExtensionParameters.of(PerMessageDeflate.NAME);
            if (!contextTakeover) {
                element = element.with("server_no_context_takeover", null).with("client_no_context_takeover", null);
            }
            return (role == Role.SERVER ? factory.serverAccept(List.of(element)) : factory.clientAccept(element))
                    .orElseThrow(() -> new AssertionError("permessage-deflate not negotiated"));
        }

        /** Checks the close and every frame the protocol wrote against the events it emitted. */
        private void checkOutcome(Protocol protocol, Observed observed, byte[] wire) {
            Event.Close close = observed.close();
            Check.that(close != null, () -> "no Close event after EOF");
            Check.equal(State.CLOSED, protocol.state(), "state");
            Check.equal(close.violation(), protocol.failure(), "failure()");

            Deque<String> pings = new ArrayDeque<>();
            for (String e : observed.events) {
                if (e.startsWith("ping")) {
                    pings.add(e.substring("ping".length()));
                }
            }
            List<Recorder.Frame> frames = framesOf(wire);
            Recorder.Frame closeFrame = null;
            for (Recorder.Frame f : frames) {
                Check.that(closeFrame == null, () -> "frame written after the Close frame");
                Check.that(f.masked() == (role == Role.CLIENT), () -> "frame masked: " + f.masked() + " as " + role);
                Check.that(f.fin() && f.rsv() == 0, () -> "written control frame with fin/rsv wrong");
                if (f.opcode() == 0xA) {
                    Check.that(autoPong, () -> "pong written with auto-pong off");
                    String ping = pings.poll();
                    String pong = describeBytes(f.payload());
                    Check.equal(ping, pong, "pong payload");
                } else {
                    Check.equal(0x8, f.opcode(), "opcode written");
                    closeFrame = f;
                }
            }
            if (autoPong) {
                // Nothing is read after a Close is sent, so every ping delivered was answered.
                Check.that(pings.isEmpty(), () -> "ping not answered: " + pings);
            }
            if (close.violation() != null) {
                Violation v = close.violation();
                Check.that(!close.clean(), () -> "failure reported clean");
                Check.equal(v.closeCode(), close.code(), "close code of " + v);
                Check.that(closeFrame != null, () -> "no Close frame written for " + v);
                Check.equal(v.closeCode(), closeFrame.closeCode(), "close code written for " + v);
                Check.equal(
                        v.reason(),
                        new String(closeFrame.payload(), 2, closeFrame.payload().length - 2, StandardCharsets.UTF_8),
                        "reason written for " + v);
            } else if (close.clean()) {
                Check.that(
                        close.code() == CloseCodes.NO_STATUS || CloseCodes.isValidOnWire(close.code()),
                        () -> "clean close with code " + close.code());
                Check.that(closeFrame != null, () -> "peer's Close not answered");
                Check.equal(
                        close.code() == CloseCodes.NO_STATUS ? -1 : close.code(),
                        closeFrame.closeCode(),
                        "close code echoed");
            } else {
                Check.equal(CloseCodes.ABNORMAL, close.code(), "code of a close without handshake");
                Check.that(closeFrame == null, () -> "Close frame written although the transport just ended");
            }
        }
    }

    private static List<Recorder.Frame> framesOf(byte[] wire) {
        Recorder r = new Recorder();
        r.write(ByteBuffer.allocate(0), ByteBuffer.wrap(wire));
        return r.takeFrames();
    }

    /** The part of {@link Recorder#describe} after the event name, for byte payloads. */
    private static String describeBytes(byte[] payload) {
        return Recorder.describe(new Event.Ping(ByteBuffer.wrap(payload))).substring("ping".length());
    }
}
