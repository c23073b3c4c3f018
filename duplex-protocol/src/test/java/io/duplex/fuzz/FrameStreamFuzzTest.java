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
import io.duplex.protocol.Role;
import io.duplex.protocol.State;
import io.duplex.testing.Hex;
import io.duplex.testing.ProtocolRecorder;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Target 1: an arbitrary byte stream through {@link Protocol}, as a server or a client, whole and
 * re-chunked at points the fuzzer chooses.
 *
 * <p>Input ({@link FuzzInput}): option bits 0 client role, 1 message assembly off (fragments), 2
 * permessage-deflate negotiated, 3 context takeover, 4 auto-pong off, 5–6 buffer {@link
 * FuzzInput.Flavor} of the chunks, 7 this end sends a Close (1000) before reading; then chunk
 * lengths; then the wire bytes, always followed by EOF.
 *
 * <p>Oracles:
 *
 * <ul>
 *   <li>{@code receive} never throws and consumes every byte; it never writes outside the
 *       buffer's window (guard bytes);
 *   <li>exactly one {@code Close}, nothing after it, state CLOSED; a failure is an unclean {@code
 *       Close} with a {@link Violation} whose code is the event's, and (unless this end had sent
 *       its Close already) the code and reason of the Close frame written last;
 *   <li>a clean close carries a code valid on the wire or 1005 and is answered by a Close echoing
 *       it (unless this end closed first); a close without handshake is 1006 and writes nothing;
 *   <li>frames written are masked iff the role is a client, and are only Pongs echoing every Ping
 *       (auto-pong on, no Close sent) and one Close;
 *   <li>every message, fragment, ping and pong within the limits (4 KiB frames, 8 KiB messages,
 *       16 fragments); text fragments the JDK's strict UTF-8 decoder accepts;
 *   <li>re-chunking changes neither the events nor the bytes written; turning message assembly
 *       on or off changes no complete message nor the close;
 *   <li>with permessage-deflate, every pooled codec and chunk is back in the pool at the end;
 *   <li>memory: what the engine allocates while reading (measured per thread, with a sink that
 *       allocates nothing) stays within a bound linear in the input, whatever lengths frames
 *       declare.
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
                in.option(0) ? Role.CLIENT : Role.SERVER,
                !in.option(1),
                in.option(2),
                in.option(3),
                !in.option(4),
                in.option(7));
        List<FuzzInput.Chunk> all = List.of(new FuzzInput.Chunk(0, in.body().length, false));

        Run whole = setup.run(in.body(), all, FuzzInput.Flavor.HEAP);
        Run chunked = setup.run(in.body(), in.chunks(), FuzzInput.Flavor.of(in.options() >>> 5));
        boolean f1 = KnownFindings.F1_INFLATE_FAILURE_DEPENDS_ON_SPLIT
                && splitDependentViolation(setup, whole)
                && splitDependentViolation(setup, chunked);
        Check.equal(whole.comparable(f1), chunked.comparable(f1), "events and frames written, whole vs re-chunked");

        Run otherAssembly = setup.withAssembly(!setup.assemble).run(in.body(), all, FuzzInput.Flavor.HEAP);
        Check.equal(
                whole.observed.normalized,
                otherAssembly.observed.normalized,
                "messages with assembly " + setup.assemble + " vs " + !setup.assemble);

        setup.checkAllocation(in.body(), in.chunks());
    }

    record Run(Observed observed, byte[] wire) {
        /**
         * The events and the frames written, described; with {@code relaxed}, the violation of the
         * close and the reason of the Close frame are left out (their code stays).
         */
        List<String> comparable(boolean relaxed) {
            List<String> all = new ArrayList<>(observed.events);
            for (ProtocolRecorder.Frame f : framesOf(wire)) {
                byte[] payload = relaxed && f.opcode() == 0x8 ? Arrays.copyOf(f.payload(), 2) : f.payload();
                all.add("wrote " + f.opcode() + ":" + Hex.of(payload));
            }
            if (relaxed) {
                all.set(observed.events.size() - 1, "close:" + observed.close().code() + ",(inflate or UTF-8)");
            }
            return all;
        }
    }

    /** See {@link KnownFindings#F1_INFLATE_FAILURE_DEPENDS_ON_SPLIT}. */
    static boolean splitDependentViolation(Setup setup, Run run) {
        Violation v = run.observed.close().violation();
        return setup.deflate && (v == Violation.INVALID_UTF8 || v == Violation.INVALID_COMPRESSED_DATA);
    }

    record Setup(
            Role role,
            boolean assemble,
            boolean deflate,
            boolean contextTakeover,
            boolean autoPong,
            boolean closeFirst) {

        Setup withAssembly(boolean assemble) {
            return new Setup(role, assemble, deflate, contextTakeover, autoPong, closeFirst);
        }

        ProtocolConfig config() {
            return SMALL.toBuilder()
                    .assembleMessages(assemble)
                    .autoPong(autoPong)
                    .build();
        }

        Protocol protocol(Protocol.Builder builder, CountingDeflaterPool pool) {
            List<Extension> extensions = deflate ? List.of(deflate(pool)) : List.of();
            Protocol protocol = builder.config(config()).extensions(extensions).build();
            if (closeFirst) {
                protocol.sendClose(CloseCodes.NORMAL, "");
            }
            return protocol;
        }

        Run run(byte[] body, List<FuzzInput.Chunk> chunks, FuzzInput.Flavor flavor) {
            Observed observed = new Observed(config());
            CountingDeflaterPool pool = new CountingDeflaterPool();
            Protocol protocol = protocol(observed.builder(role), pool);
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
            List<ProtocolRecorder.Frame> frames = framesOf(wire);
            ProtocolRecorder.Frame closeFrame = null;
            for (ProtocolRecorder.Frame f : frames) {
                Check.that(closeFrame == null, () -> "frame written after the Close frame");
                Check.that(f.masked() == (role == Role.CLIENT), () -> "frame masked: " + f.masked() + " as " + role);
                Check.that(f.fin() && f.rsv() == 0, () -> "written control frame with fin/rsv wrong");
                if (f.opcode() == 0xA) {
                    Check.that(autoPong, () -> "pong written with auto-pong off");
                    Check.equal(pings.poll(), describeBytes(f.payload()), "pong payload");
                } else {
                    Check.equal(0x8, f.opcode(), "opcode written");
                    closeFrame = f;
                }
            }
            Check.that(closeFrame != null || !closeFirst, () -> "our Close frame is missing");
            if (autoPong && !closeFirst) {
                // Nothing is read after a Close is sent, so every ping delivered was answered.
                Check.that(pings.isEmpty(), () -> "ping not answered: " + pings);
            }
            int closeWritten = closeFrame == null ? 0 : closeFrame.closeCode();
            if (close.violation() != null) {
                Violation v = close.violation();
                Check.that(!close.clean(), () -> "failure reported clean");
                Check.equal(v.closeCode(), close.code(), "close code of " + v);
                Check.equal(
                        closeFirst ? CloseCodes.NORMAL : v.closeCode(), closeWritten, "close code written for " + v);
                if (!closeFirst) {
                    Check.equal(
                            v.reason(),
                            new String(
                                    closeFrame.payload(), 2, closeFrame.payload().length - 2, StandardCharsets.UTF_8),
                            "reason written for " + v);
                }
            } else if (close.clean()) {
                Check.that(
                        close.code() == CloseCodes.NO_STATUS || CloseCodes.isValidOnWire(close.code()),
                        () -> "clean close with code " + close.code());
                int echo = close.code() == CloseCodes.NO_STATUS ? -1 : close.code();
                Check.equal(closeFirst ? CloseCodes.NORMAL : echo, closeWritten, "close code written");
            } else {
                Check.equal(CloseCodes.ABNORMAL, close.code(), "code of a close without handshake");
                Check.that(closeFirst || closeFrame == null, () -> "Close frame written after the transport ended");
            }
        }

        /**
         * Reads the input once more, chunked, with a sink and an output that allocate nothing, and
         * checks what this thread allocated meanwhile against a bound linear in the input: a
         * generous constant (codecs, a 16 KiB inflate chunk, class initialisation), two message
         * buffers, and a few hundred bytes per input byte (each byte can end at most one small
         * frame, whose event costs an object or two).
         */
        void checkAllocation(byte[] body, List<FuzzInput.Chunk> chunks) {
            if (!ALLOCATION.isThreadAllocatedMemorySupported() || !ALLOCATION.isThreadAllocatedMemoryEnabled()) {
                return;
            }
            CountingDeflaterPool pool = new CountingDeflaterPool();
            int[] events = new int[1];
            Protocol protocol =
                    protocol(Protocol.builder(role).events(e -> events[0]++).output((h, p) -> {}), pool);
            List<ByteBuffer> buffers = new ArrayList<>();
            for (FuzzInput.Chunk c : chunks) {
                buffers.add(ByteBuffer.wrap(body, c.from(), c.to() - c.from()).slice());
            }
            long before = ALLOCATION.getCurrentThreadAllocatedBytes();
            for (ByteBuffer b : buffers) {
                protocol.receive(b);
            }
            protocol.receiveEof();
            long allocated = ALLOCATION.getCurrentThreadAllocatedBytes() - before;
            pool.clear();
            long bound = (1 << 20) + 2 * SMALL.maxMessageSize() + 400L * body.length;
            Check.that(
                    allocated <= bound,
                    () -> "allocated " + allocated + " bytes reading " + body.length + " (bound " + bound + ")");
        }
    }

    private static final com.sun.management.ThreadMXBean ALLOCATION =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static List<ProtocolRecorder.Frame> framesOf(byte[] wire) {
        ProtocolRecorder r = new ProtocolRecorder();
        r.write(ByteBuffer.allocate(0), ByteBuffer.wrap(wire));
        return r.takeFrames();
    }

    /** The part of {@link ProtocolRecorder#describe} after the event name, for byte payloads. */
    private static String describeBytes(byte[] payload) {
        return ProtocolRecorder.describe(new Event.Ping(ByteBuffer.wrap(payload)))
                .substring("ping".length());
    }
}
