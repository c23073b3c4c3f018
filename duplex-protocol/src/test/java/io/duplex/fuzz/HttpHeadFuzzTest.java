package io.duplex.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.duplex.deflate.DeflateConfig;
import io.duplex.deflate.PerMessageDeflate;
import io.duplex.extension.Extension;
import io.duplex.handshake.AcceptKey;
import io.duplex.handshake.ClientHandshake;
import io.duplex.handshake.HandshakeException;
import io.duplex.handshake.Headers;
import io.duplex.handshake.HttpHead;
import io.duplex.handshake.HttpHeadLimits;
import io.duplex.handshake.HttpHeadParser;
import io.duplex.handshake.OriginPolicy;
import io.duplex.handshake.Outcome;
import io.duplex.handshake.ServerHandshake;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Target 3: {@link HttpHeadParser} on arbitrary bytes, whole and re-chunked, then the server's
 * {@link ServerHandshake#validate} on the requests and the client's {@link
 * ClientHandshake#validate} on the responses.
 *
 * <p>Input ({@link FuzzInput}): option bits 0–1 pick the {@link #LIMITS}, 2–3 the {@link
 * #POLICIES}, 4 context takeover for permessage-deflate; then chunk lengths; then the head.
 *
 * <p>Oracles for the parser: the result is a head, {@code null} (every byte consumed) or a {@link
 * HandshakeException} with 400, 414 (request line only) or 431 — and 414/431 exactly when a limit
 * is really exceeded by the bytes read, which a reference scan here recomputes; a head was read
 * within every limit, ends with CRLF CRLF, and holds exactly the start line and fields a naive
 * split of those bytes gives; it survives {@code encode()} and a re-parse unchanged; any split
 * of the input gives the same result after the same number of bytes; the parser refuses further
 * use once done.
 *
 * <p>Oracles for the handshakes: {@code validate} never throws; the server answers Accepted (a GET
 * over HTTP/1.1+, one Host, a valid key, a subprotocol that both sides name, a 101 response that
 * parses back with the right {@code Sec-WebSocket-Accept}) or Rejected with 400, 403, 405, 426 or
 * 505 (whose response parses back with that status); the client accepts only a 101 or throws a
 * {@link HandshakeException} carrying the response status. Every pooled codec is returned.
 */
class HttpHeadFuzzTest {

    static final HttpHeadLimits[] LIMITS = {
        HttpHeadLimits.DEFAULT,
        new HttpHeadLimits(40, 3, 200),
        new HttpHeadLimits(200, 100, 64),
        new HttpHeadLimits(16, 0, 8192),
    };

    static final OriginPolicy[] POLICIES = {
        OriginPolicy.sameOrigin(),
        OriginPolicy.allowList(List.of("https://example.com")),
        OriginPolicy.any(),
        OriginPolicy.sameOrigin().requireOrigin(),
    };

    private static final HttpHeadLimits ROOMY = new HttpHeadLimits(1 << 20, 100_000, 1 << 22);
    private static final Set<Integer> SERVER_STATUSES = Set.of(400, 403, 405, 426, 505);
    /** The key a {@code Random(42)} gives the client; seeds use it so the accept key matches. */
    static final long CLIENT_SEED = 42;

    @FuzzTest
    void request(byte[] data) {
        HttpHead head = parseBothWays(data, HttpHeadParser.Kind.REQUEST);
        if (head != null) {
            FuzzInput in = FuzzInput.parse(data);
            serverValidates((HttpHead.Request) head, POLICIES[(in.options() >>> 2) & 3], in.option(4));
        }
    }

    @FuzzTest
    void response(byte[] data) {
        HttpHead head = parseBothWays(data, HttpHeadParser.Kind.RESPONSE);
        if (head != null) {
            clientValidates((HttpHead.Response) head, FuzzInput.parse(data).option(4));
        }
    }

    /** Parses whole and re-chunked, checks both, and returns the head (or null). */
    private static HttpHead parseBothWays(byte[] data, HttpHeadParser.Kind kind) {
        FuzzInput in = FuzzInput.parse(data);
        HttpHeadLimits limits = LIMITS[in.options() & 3];
        byte[] body = in.body();
        Parsed whole = parse(body, List.of(new FuzzInput.Chunk(0, body.length, false)), kind, limits);
        Parsed chunked = parse(body, in.chunks(), kind, limits);
        Check.equal(whole, chunked, "result, whole vs re-chunked");
        check(whole, body, kind, limits);
        return whole.head();
    }

    /** A parse result: the head or the status of the failure (0 for none), and bytes consumed. */
    record Parsed(HttpHead head, int status, int consumed) {}

    private static Parsed parse(
            byte[] body, List<FuzzInput.Chunk> chunks, HttpHeadParser.Kind kind, HttpHeadLimits limits) {
        HttpHeadParser parser = new HttpHeadParser(limits, kind);
        int consumed = 0;
        for (FuzzInput.Chunk c : chunks) {
            ByteBuffer b = ByteBuffer.wrap(body, c.from(), c.to() - c.from());
            HttpHead head;
            try {
                head = parser.parse(b);
            } catch (HandshakeException e) {
                consumed += b.position() - c.from();
                checkFinished(parser);
                return new Parsed(null, e.status(), consumed);
            }
            consumed += b.position() - c.from();
            if (head != null) {
                checkFinished(parser);
                return new Parsed(head, 0, consumed);
            }
            Check.that(!b.hasRemaining(), () -> "parse returned null with bytes left");
        }
        return new Parsed(null, 0, consumed);
    }

    private static void checkFinished(HttpHeadParser parser) {
        try {
            parser.parse(ByteBuffer.wrap(new byte[] {'x'}));
        } catch (IllegalStateException expected) {
            return;
        }
        throw new AssertionError("parser usable after it finished");
    }

    private static void check(Parsed p, byte[] body, HttpHeadParser.Kind kind, HttpHeadLimits limits) {
        Scan scan = Scan.of(body, p.consumed(), limits);
        if (p.status() != 0) {
            Check.that(p.status() == 400 || p.status() == 414 || p.status() == 431, () -> "status " + p.status());
            Check.that(
                    p.status() != 414 || (kind == HttpHeadParser.Kind.REQUEST && scan.lines.isEmpty()),
                    () -> "414 outside a request line");
            Check.equal(p.status() != 400, scan.limitExceeded, "status " + p.status() + " vs limits exceeded");
            return;
        }
        Check.that(!scan.limitExceeded, () -> "a limit was exceeded, yet no error: " + scan);
        if (p.head() == null) {
            Check.equal(body.length, p.consumed(), "bytes consumed when more are needed");
            return;
        }
        HttpHead head = p.head();
        Check.that(
                p.consumed() >= 4
                        && new String(body, p.consumed() - 4, 4, StandardCharsets.ISO_8859_1).equals("\r\n\r\n"),
                () -> "head does not end with CRLF CRLF");
        List<String> lines = scan.lines;
        Check.equal(lines.size() - 2, head.headers().size(), "header fields vs lines");
        String start = lines.get(0);
        if (head instanceof HttpHead.Request r) {
            Check.equal(start, r.method() + " " + r.target() + " " + r.version(), "request line");
        } else {
            HttpHead.Response r = (HttpHead.Response) head;
            String prefix = r.version() + " " + String.format("%03d", r.status());
            Check.that(
                    start.equals(prefix) || start.equals(prefix + " " + r.reasonPhrase()),
                    () -> "status line " + start + " vs " + r);
        }
        List<Headers.Field> fields = head.headers().fields();
        for (int i = 0; i < fields.size(); i++) {
            String line = lines.get(i + 1);
            int colon = line.indexOf(':');
            Check.equal(line.substring(0, colon), fields.get(i).name(), "field name");
            Check.equal(trimOws(line.substring(colon + 1)), fields.get(i).value(), "field value");
        }
        // encode() writes what parses back to the same head.
        HttpHeadParser again = new HttpHeadParser(ROOMY, kind);
        ByteBuffer encoded = head.encode();
        Check.equal(head, again.parse(encoded), "re-parsed encode()");
        Check.that(!encoded.hasRemaining(), () -> "encode() wrote bytes after the head");
    }

    /**
     * A reference scan of the bytes the parser read: the lines (CRLF-terminated; the last,
     * unterminated one kept apart) and whether any limit is exceeded by them.
     */
    record Scan(List<String> lines, boolean limitExceeded) {
        static Scan of(byte[] body, int consumed, HttpHeadLimits limits) {
            List<String> lines = new ArrayList<>();
            boolean exceeded = consumed > limits.maxHeadSize();
            int lineStart = 0;
            int lineLength = 0;
            for (int i = 0; i < consumed; i++) {
                byte b = body[i];
                if (b == '\r' && i + 1 < consumed && body[i + 1] == '\n') {
                    lines.add(new String(body, lineStart, i - lineStart, StandardCharsets.ISO_8859_1));
                    i++;
                    lineStart = i + 1;
                    lineLength = 0;
                } else if (b == '\r' || b == '\n') {
                    break; // a bare CR or LF: what follows is the byte that failed
                } else {
                    lineLength++;
                    exceeded |= lineLength > limits.maxLineLength();
                }
            }
            long fields = lines.stream().skip(1).filter(l -> !l.isEmpty()).count();
            exceeded |= fields > limits.maxHeaders();
            return new Scan(lines, exceeded);
        }
    }

    private static void serverValidates(HttpHead.Request head, OriginPolicy policy, boolean contextTakeover) {
        CountingDeflaterPool pool = new CountingDeflaterPool();
        ServerHandshake server = ServerHandshake.builder()
                .subprotocols(List.of("chat", "superchat"))
                .extensions(List.of(deflate(pool, contextTakeover)))
                .originPolicy(policy)
                .build();
        Outcome outcome = server.validate(head);
        if (outcome instanceof Outcome.Accepted a) {
            try {
                Check.equal("GET", head.method(), "method accepted");
                Check.that(
                        head.version().charAt(5) == '1' && head.version().charAt(7) != '0',
                        () -> "version accepted: " + head.version());
                Check.equal(1, head.headers().all("Host").size(), "Host fields accepted");
                Check.that(AcceptKey.isValidKey(a.key()), () -> "key accepted: " + a.key());
                Check.that(a.path().startsWith("/"), () -> "path accepted: " + a.path());
                Check.that(
                        a.selectedSubprotocol() == null
                                || (a.offeredSubprotocols().contains(a.selectedSubprotocol())
                                        && List.of("chat", "superchat").contains(a.selectedSubprotocol())),
                        () -> "subprotocol selected: " + a.selectedSubprotocol());
                HttpHead.Response response = (HttpHead.Response)
                        new HttpHeadParser(ROOMY, HttpHeadParser.Kind.RESPONSE).parse(server.response(a));
                Check.equal(101, response.status(), "status of the 101 response");
                Check.equal(
                        List.of(AcceptKey.of(a.key())),
                        response.headers().all("Sec-WebSocket-Accept"),
                        "Sec-WebSocket-Accept");
            } finally {
                a.extensions().forEach(Extension::close);
            }
        } else {
            Outcome.Rejected r = (Outcome.Rejected) outcome;
            Check.that(SERVER_STATUSES.contains(r.status()), () -> "rejected with " + r.status());
            HttpHead.Response response = (HttpHead.Response)
                    new HttpHeadParser(ROOMY, HttpHeadParser.Kind.RESPONSE).parse(ServerHandshake.rejection(r));
            Check.equal(r.status(), response.status(), "status of the rejection");
        }
        pool.checkAllReturned("after the server handshake");
        pool.clear();
    }

    private static void clientValidates(HttpHead.Response head, boolean contextTakeover) {
        CountingDeflaterPool pool = new CountingDeflaterPool();
        ClientHandshake client = client(pool, contextTakeover);
        try {
            ClientHandshake.Result result = client.validate(head);
            Check.equal(101, head.status(), "status of an accepted response");
            Check.that(
                    result.subprotocol() == null || result.subprotocol().equals("chat"),
                    () -> "subprotocol " + result.subprotocol());
            result.extensions().forEach(Extension::close);
        } catch (HandshakeException e) {
            Check.equal(head.status(), e.status(), "status carried by the client's failure");
        }
        pool.checkAllReturned("after the client handshake");
        pool.clear();
    }

    /** The client whose key the response seeds answer. */
    static ClientHandshake client(CountingDeflaterPool pool, boolean contextTakeover) {
        return ClientHandshake.builder(URI.create("ws://example.com/chat"))
                .subprotocols(List.of("chat"))
                .extensions(List.of(deflate(pool, contextTakeover)))
                .random(new Random(CLIENT_SEED))
                .build();
    }

    private static PerMessageDeflate deflate(CountingDeflaterPool pool, boolean contextTakeover) {
        return new PerMessageDeflate(DeflateConfig.builder()
                .contextTakeover(contextTakeover)
                .pool(pool)
                .build());
    }

    /** RFC 7230 §3.2.3: OWS is spaces and horizontal tabs only. */
    private static String trimOws(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(start, end);
    }
}
