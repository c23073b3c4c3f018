package io.duplex.benchmarks;

import io.duplex.frame.FrameEncoder;
import io.duplex.frame.FrameParser;
import io.duplex.frame.Masking;
import io.duplex.frame.Opcode;
import io.duplex.protocol.Event;
import io.duplex.protocol.Protocol;
import io.duplex.protocol.Role;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Receive path of a server: one read buffer holding whole masked binary frames (as clients send
 * them), parsed by {@link FrameParser} alone and by {@link Protocol#receive}.
 *
 * <p>Each operation parses one buffer of about {@value #BUFFER_PAYLOAD} payload bytes: 2048 frames
 * of 32 B, 64 of 1 KiB or 1 of 64 KiB (see {@link #frames}). Payload MB/s is therefore ops/s ×
 * 64 KiB for every size, and {@code gc.alloc.rate.norm} is per buffer, not per frame.
 *
 * <p>Resetting the input. The parser unmasks in place, so after one operation the buffer no longer
 * holds the wire bytes. {@code @Setup(Level.Invocation)} is not used: for operations of a few
 * microseconds its per-call timestamping and synchronisation cost more than what is measured (see
 * JMH's {@code Level.Invocation} Javadoc). Instead:
 *
 * <ul>
 *   <li>{@link #parser}, {@link #protocol}: copy the pristine wire bytes back with {@code
 *       System.arraycopy} at the start of the operation, so every operation parses the same masked
 *       bytes. The copy is measured too; {@link #copyBaseline} measures it alone, so the parse cost
 *       is {@code 1/parser − 1/copyBaseline} per operation.
 *   <li>{@link #parserInPlace}: no copy. Masking is an XOR, so parsing the buffer again re-masks the
 *       payload and the next operation sees the plain bytes, then the masked ones, and so on.
 *       Headers are never touched and a binary listener does not look at payload bytes, so the
 *       parser does exactly the same work; this is the copy-free number. (It would not do for
 *       text, whose UTF-8 check depends on the bytes.)
 * </ul>
 *
 * <p>Threading: JMH state, one instance per benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FrameParserBenchmark {
    /** Payload bytes per operation. */
    public static final int BUFFER_PAYLOAD = 64 * 1024;

    /** Payload bytes per frame. */
    @Param({"32", "1024", "65536"})
    public int payloadSize;

    /** Frames per buffer (per operation). */
    int frames;

    private byte[] pristine;
    private byte[] wire;
    private ByteBuffer in;
    private FrameParser parser;
    private Protocol protocol;
    private Protocol protocolEventEscapes;

    @Setup
    public void setUp(Blackhole bh) {
        frames = Math.max(1, BUFFER_PAYLOAD / payloadSize);
        pristine = maskedBinaryFrames(frames, payloadSize);
        wire = pristine.clone();
        in = ByteBuffer.wrap(wire);
        parser = new FrameParser(true, Long.MAX_VALUE, new ConsumingListener(bh));
        // What a runtime does: dispatch on the type, hand the data to the handler.
        protocol = server(event -> {
            if (event instanceof Event.Binary binary) {
                bh.consume(binary.data());
            } else {
                throw new IllegalStateException("unexpected " + event);
            }
        });
        // A sink that lets the Event object itself escape (queues it, logs it, …).
        protocolEventEscapes = server(bh::consume);
        checkOnce();
    }

    private static Protocol server(Protocol.EventSink sink) {
        return Protocol.builder(Role.SERVER)
                .events(sink)
                .output((header, payload) -> {
                    throw new IllegalStateException("a server receiving binary messages writes nothing");
                })
                .build();
    }

    /** Fails the trial at once if the input is not what the benchmark claims. */
    private void checkOnce() {
        int[] ends = new int[1];
        FrameParser counting = new FrameParser(true, Long.MAX_VALUE, new FrameParser.Listener() {
            @Override
            public void onFrameHeader(boolean fin, int rsv, Opcode opcode, long length) {
                if (!fin || opcode != Opcode.BINARY || length != payloadSize) {
                    throw new IllegalStateException("unexpected frame");
                }
            }

            @Override
            public void onFramePayload(ByteBuffer payload) {
                if (payload.remaining() != payloadSize) {
                    throw new IllegalStateException("frame did not arrive whole");
                }
            }

            @Override
            public void onFrameEnd() {
                ends[0]++;
            }
        });
        counting.parse(ByteBuffer.wrap(pristine.clone()));
        protocol.receive(ByteBuffer.wrap(pristine.clone()));
        if (ends[0] != frames || protocol.failure() != null) {
            throw new IllegalStateException("expected " + frames + " frames, got " + ends[0]);
        }
    }

    /** Baseline: restoring the wire bytes, which {@link #parser} and {@link #protocol} include. */
    @Benchmark
    public byte[] copyBaseline() {
        System.arraycopy(pristine, 0, wire, 0, wire.length);
        return wire;
    }

    /** Restore + {@link FrameParser#parse} of all frames. */
    @Benchmark
    public boolean parser() {
        System.arraycopy(pristine, 0, wire, 0, wire.length);
        in.clear();
        parser.parse(in);
        return parser.atFrameBoundary();
    }

    /** {@link FrameParser#parse} of all frames without restoring the input (see the class doc). */
    @Benchmark
    public boolean parserInPlace() {
        in.clear();
        parser.parse(in);
        return parser.atFrameBoundary();
    }

    /** Restore + {@link Protocol#receive}: one {@link Event.Binary} per frame. */
    @Benchmark
    public Object protocol() {
        System.arraycopy(pristine, 0, wire, 0, wire.length);
        in.clear();
        protocol.receive(in);
        return protocol.failure();
    }

    /**
     * As {@link #protocol}, but the sink hands the {@link Event} object itself to the Blackhole, so
     * escape analysis cannot remove the per-message {@code Event.Binary} allocation.
     */
    @Benchmark
    public Object protocolEventEscapes() {
        System.arraycopy(pristine, 0, wire, 0, wire.length);
        in.clear();
        protocolEventEscapes.receive(in);
        return protocolEventEscapes.failure();
    }

    /** Whole masked binary frames with seeded payloads and mask keys, as a client sends them. */
    static byte[] maskedBinaryFrames(int count, int size) {
        SplittableRandom random = new SplittableRandom(6455);
        int frameSize = FrameEncoder.headerSize(size, true) + size;
        ByteBuffer out = ByteBuffer.allocate(count * frameSize);
        byte[] payload = new byte[size];
        for (int i = 0; i < count; i++) {
            random.nextBytes(payload);
            int key = random.nextInt();
            FrameEncoder.writeHeader(out, true, 0, Opcode.BINARY, size, true, key);
            int start = out.position();
            out.put(payload);
            Masking.mask(out, start, out.position(), key);
        }
        return out.array();
    }

    /** Hands every part to the Blackhole so nothing is optimised away; allocates nothing. */
    private static final class ConsumingListener implements FrameParser.Listener {
        private final Blackhole bh;

        ConsumingListener(Blackhole bh) {
            this.bh = bh;
        }

        @Override
        public void onFrameHeader(boolean fin, int rsv, Opcode opcode, long length) {
            bh.consume(length);
        }

        @Override
        public void onFramePayload(ByteBuffer payload) {
            bh.consume(payload);
        }

        @Override
        public void onFrameEnd() {
            bh.consume(true);
        }
    }
}
