package io.duplex.benchmarks;

import io.duplex.deflate.PerMessageDeflate;
import io.duplex.extension.Extension;
import io.duplex.handshake.HttpHead;
import io.duplex.handshake.HttpHeadLimits;
import io.duplex.handshake.HttpHeadParser;
import io.duplex.handshake.Outcome;
import io.duplex.handshake.ServerHandshake;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The protocol side of a server's opening handshake (RFC 6455 §4.2), stage by stage: {@code parse}
 * (the request head, {@link HttpHeadParser}), {@code validate} ({@link ServerHandshake#validate},
 * with permessage-deflate configured as the runtime's default is), {@code response} (the 101 with
 * its {@code Sec-WebSocket-Accept}), and {@code handshake} (the three in a row, what one upgrade
 * costs before the runtime's own objects). Read B/op ({@code -prof gc}, {@code
 * gc.alloc.rate.norm}): it is what each handshake leaves to the garbage collector.
 *
 * <p>{@code wsload} is the head the C load generator sends (five fields); {@code browser} is what
 * Chromium sends to a page's own origin (thirteen fields, an extension offer and a cookie).
 *
 * <p>Threading: JMH state, one instance per benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HandshakeBenchmark {
    private static final String WSLOAD = "GET / HTTP/1.1\r\n"
            + "Host: 127.0.0.1:9100\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "\r\n";
    private static final String BROWSER = "GET /chat HTTP/1.1\r\n"
            + "Host: localhost:8080\r\n"
            + "Connection: Upgrade\r\n"
            + "Pragma: no-cache\r\n"
            + "Cache-Control: no-cache\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/131.0.0.0 Safari/537.36\r\n"
            + "Upgrade: websocket\r\n"
            + "Origin: http://localhost:8080\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
            + "Accept-Language: en-US,en;q=0.9\r\n"
            + "Cookie: session=3f9a1c2b7d; theme=dark\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
            + "\r\n";

    /** Which request head: {@code wsload} or {@code browser}. */
    @Param({"wsload", "browser"})
    public String request;

    private byte[] bytes;
    private ServerHandshake handshake;
    private HttpHead head;
    private Outcome.Accepted accepted;

    @Setup
    public void setUp() {
        bytes = (request.equals("browser") ? BROWSER : WSLOAD).getBytes(StandardCharsets.ISO_8859_1);
        handshake = ServerHandshake.builder()
                .extensions(List.of(new PerMessageDeflate().forThread()))
                .build();
        head = parse();
        accepted = (Outcome.Accepted) handshake.validate(head);
        closeAll(accepted);
    }

    @Benchmark
    public HttpHead parse() {
        return new HttpHeadParser(HttpHeadLimits.DEFAULT, HttpHeadParser.Kind.REQUEST).parse(ByteBuffer.wrap(bytes));
    }

    @Benchmark
    public Outcome validate() {
        Outcome outcome = handshake.validate(head);
        closeAll(outcome);
        return outcome;
    }

    @Benchmark
    public ByteBuffer response() {
        return handshake.response(accepted);
    }

    @Benchmark
    public ByteBuffer handshake() {
        Outcome.Accepted a = (Outcome.Accepted) handshake.validate(parse());
        ByteBuffer response = handshake.response(a);
        closeAll(a);
        return response;
    }

    /** Negotiated codecs go back to the loop's pool, as a connection's do when it ends. */
    private static void closeAll(Outcome outcome) {
        if (outcome instanceof Outcome.Accepted a) {
            for (Extension e : a.extensions()) {
                e.close();
            }
        }
    }
}
