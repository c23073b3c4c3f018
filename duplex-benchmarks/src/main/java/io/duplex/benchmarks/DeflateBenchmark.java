package io.duplex.benchmarks;

import io.duplex.deflate.DeflaterPool;
import io.duplex.deflate.PerMessageDeflate;
import io.duplex.extension.Extension;
import io.duplex.extension.ExtensionParameters;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * permessage-deflate throughput (RFC 7692, no context takeover, pooled codecs as on an event
 * loop): deflate and inflate of JSON-like payloads of 1 KiB and 64 KiB. One operation is one
 * message.
 *
 * <p>Threading: JMH state per thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DeflateBenchmark {
    @Param({"1024", "65536"})
    int size;

    private Extension extension;
    private ByteBuffer json;
    private ByteBuffer compressed;

    @Setup
    public void setup() {
        PerMessageDeflate factory = new PerMessageDeflate().withPool(DeflaterPool.bounded(4));
        extension = factory.serverAccept(List.of(ExtensionParameters.of(PerMessageDeflate.NAME)
                        .with("client_no_context_takeover", null)
                        .with("server_no_context_takeover", null)))
                .orElseThrow();
        StringBuilder sb = new StringBuilder();
        Random r = new Random(1);
        while (sb.length() < size) {
            sb.append("{\"user\":\"user")
                    .append(r.nextInt(1000))
                    .append("\",\"room\":\"lobby\",\"ts\":")
                    .append(1_700_000_000_000L + r.nextInt(1_000_000))
                    .append(",\"text\":\"hello there, how are you today?\"},");
        }
        json = ByteBuffer.wrap(sb.substring(0, size).getBytes(StandardCharsets.UTF_8));
        Extension.Encoded e = extension.encode(true, json.duplicate());
        if (e.rsv() == 0) {
            throw new IllegalStateException("payload was not compressed");
        }
        ByteBuffer c = e.payload();
        compressed = ByteBuffer.allocate(c.remaining()).put(c).flip();
    }

    @TearDown
    public void tearDown() {
        extension.close();
    }

    @Benchmark
    public void deflate(Blackhole bh) {
        bh.consume(extension.encode(true, json.duplicate()));
    }

    @Benchmark
    public void inflate(Blackhole bh) {
        extension.decode(compressed.duplicate(), false, 1L << 30, bh::consume);
        extension.decode(ByteBuffer.allocate(0), true, 1L << 30, bh::consume);
    }
}
