package io.duplex.handshake;

import io.duplex.extension.Extension;
import io.duplex.extension.ExtensionFactory;
import io.duplex.extension.ExtensionParameters;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The server's side of the opening handshake (RFC 6455 §4.2): {@link #validate(HttpHead)} checks
 * a request and negotiates the subprotocol and extensions; {@link #response(Outcome.Accepted)}
 * and {@link #rejection(Outcome.Rejected)} give the bytes to answer with.
 *
 * <p>Statuses, in the order the rules are checked:
 *
 * <ul>
 *   <li>method not {@code GET}: 405 with {@code Allow: GET} (RFC 7231 §6.5.5);
 *   <li>{@code HTTP/1.0}: 400 (RFC 6455 §4.1 requires 1.1 or higher); a major version other than 1
 *       (this parser reads HTTP/1.x syntax only): 505;
 *   <li>a request target that is neither origin-form nor an absolute http(s)/ws(s) URI, or has a
 *       fragment (RFC 6455 §3): 400;
 *   <li>no {@code Host}, an empty one or more than one: 400 (RFC 7230 §5.4);
 *   <li>a request that declares a body — any {@code Transfer-Encoding}, or a {@code
 *       Content-Length} other than one field of {@code 0}: 400. The bytes after the head of an
 *       upgrade request are frames, so a body would be read as frames here while a proxy in front
 *       frames it as a body (RFC 7230 §3.3.3, §9.5: request smuggling). Refused before anything is
 *       switched;
 *   <li>no {@code Upgrade} at all: 426 (the client may not know it needs one); an {@code Upgrade}
 *       list without {@code websocket}: 400;
 *   <li>a {@code Connection} list without {@code upgrade}: 400;
 *   <li>{@code Sec-WebSocket-Version} absent, repeated or not 13: 426 with {@code
 *       Sec-WebSocket-Version: 13} (RFC 6455 §4.2.2, §4.4). Checked before the key, because clients
 *       of older drafts send no {@code Sec-WebSocket-Key} and should learn the version we speak;
 *   <li>{@code Sec-WebSocket-Key} absent, repeated (two fields or a comma list) or not base64 of
 *       16 bytes: 400;
 *   <li>more than one {@code Origin}: 400; an origin the {@link OriginPolicy} refuses: 403;
 *   <li>a malformed {@code Sec-WebSocket-Extensions} when extensions are configured: 400.
 * </ul>
 *
 * <p>Every 426 carries {@code Upgrade: websocket}, which RFC 7231 §6.5.15 requires.
 *
 * <p>Subprotocol selection follows the server's preference: the first of the configured
 * subprotocols that the client offered (as Jetty and Python websockets do); names are compared
 * exactly. No match means no subprotocol, which RFC 6455 §4.2.2 allows.
 *
 * <p>Threading: immutable; one instance serves every connection, from any thread. {@link Builder}
 * is not thread-safe.
 */
public final class ServerHandshake {

    private static final Set<String> RESERVED_101 = Set.of(
            "upgrade",
            "connection",
            "sec-websocket-accept",
            "sec-websocket-protocol",
            "sec-websocket-extensions",
            "content-length",
            "transfer-encoding");
    private static final Set<String> RESERVED_ERROR =
            Set.of("content-type", "content-length", "connection", "transfer-encoding");
    private static final Set<String> ABSOLUTE_SCHEMES = Set.of("http", "https", "ws", "wss");
    private static final String HTTP_1_1 = "HTTP/1.1";
    private static final String TEXT_PLAIN = "text/plain; charset=utf-8";
    private static final Headers ALLOW_GET = Headers.of("Allow", "GET");
    private static final Headers UPGRADE_WEBSOCKET = Headers.of("Upgrade", "websocket");
    private static final Headers VERSION_13 = Headers.of("Upgrade", "websocket", "Sec-WebSocket-Version", "13");

    private final List<String> subprotocols;
    private final List<ExtensionFactory> extensions;
    private final OriginPolicy originPolicy;
    private final boolean secure;

    private ServerHandshake(Builder b) {
        this.subprotocols = b.subprotocols;
        this.extensions = b.extensions;
        this.originPolicy = b.originPolicy;
        this.secure = b.secure;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Checks an upgrade request against RFC 6455 §4.2.1 (see the class comment for each status)
     * and, when it is valid, selects the subprotocol and negotiates extensions (last, so that no
     * rejection leaks an extension).
     *
     * @throws IllegalArgumentException when {@code request} is a response head
     */
    public Outcome validate(HttpHead request) {
        if (!(request instanceof HttpHead.Request r)) {
            throw new IllegalArgumentException("not a request head");
        }
        Headers h = r.headers();
        if (!r.method().equals("GET")) {
            return new Outcome.Rejected(405, "method not allowed", ALLOW_GET);
        }
        String version = r.version();
        if (version.charAt(5) != '1') {
            return reject(505, "HTTP version not supported");
        }
        if (version.charAt(7) == '0') {
            return reject(400, "HTTP/1.1 required");
        }
        Target target = Target.parse(r.target());
        if (target == null) {
            return reject(400, "bad request target");
        }
        // One field each (count) and its value (first), asked without building lists: these
        // questions are asked of every upgrade request.
        String host = h.first("Host");
        if (host == null || host.isEmpty() || h.count("Host") != 1) {
            return reject(400, "missing or repeated Host");
        }
        if (declaresBody(h)) {
            return reject(400, "upgrade request with a body");
        }
        if (!h.contains("Upgrade")) {
            return new Outcome.Rejected(426, "upgrade required", UPGRADE_WEBSOCKET);
        }
        if (!h.containsToken("Upgrade", "websocket")) {
            return reject(400, "Upgrade lacks websocket");
        }
        if (!h.containsToken("Connection", "upgrade")) {
            return reject(400, "Connection lacks upgrade");
        }
        if (h.count("Sec-WebSocket-Version") != 1
                || !h.first("Sec-WebSocket-Version").equals("13")) {
            return new Outcome.Rejected(426, "unsupported WebSocket version", VERSION_13);
        }
        String key = h.first("Sec-WebSocket-Key");
        if (key == null || h.count("Sec-WebSocket-Key") != 1 || !AcceptKey.isValidKey(key)) {
            return reject(400, "bad Sec-WebSocket-Key");
        }
        if (h.count("Origin") > 1) {
            return reject(400, "repeated Origin");
        }
        String origin = h.first("Origin");
        if (!originPolicy.allows(origin, host, secure)) {
            // RFC 6455 §4.2.2: a refused origin gets an HTTP error such as 403
            return reject(403, "origin not allowed");
        }
        List<ExtensionParameters> offers;
        try {
            // Without configured extensions the header is ignored, malformed or not.
            offers = extensions.isEmpty() || !h.contains("Sec-WebSocket-Extensions")
                    ? List.of()
                    : ExtensionHeader.parse(h.all("Sec-WebSocket-Extensions"));
        } catch (HandshakeException e) {
            return reject(400, "malformed Sec-WebSocket-Extensions");
        }
        List<String> offered = h.tokens("Sec-WebSocket-Protocol");
        List<Extension> negotiated = ExtensionNegotiation.server(offers, extensions);
        return new Outcome.Accepted(
                target.path(), target.query(), h, key, origin, offered, select(offered), negotiated);
    }

    /**
     * RFC 7230 §3.3: a request has a body when it carries {@code Transfer-Encoding} or a {@code
     * Content-Length}; RFC 6455 §4.1 defines the opening handshake as a GET whose next bytes are
     * frames, so only an explicit {@code Content-Length: 0} is harmless.
     */
    private static boolean declaresBody(Headers h) {
        if (h.contains("Transfer-Encoding")) {
            return true;
        }
        int lengths = h.count("Content-Length");
        return lengths > 1
                || (lengths == 1 && !h.first("Content-Length").strip().equals("0"));
    }

    private String select(List<String> offered) {
        for (String p : subprotocols) {
            if (offered.contains(p)) {
                return p;
            }
        }
        return null;
    }

    private static Outcome.Rejected reject(int status, String reason) {
        return new Outcome.Rejected(status, reason, Headers.EMPTY);
    }

    /** The 101 response for an accepted request (RFC 6455 §4.2.2 step 5). */
    public ByteBuffer response(Outcome.Accepted accepted) {
        return response(accepted, Headers.EMPTY);
    }

    /**
     * The 101 response with extra headers (e.g. {@code Set-Cookie}).
     *
     * @throws IllegalArgumentException when {@code extra} sets a header the handshake writes
     *     itself, or {@code Content-Length}/{@code Transfer-Encoding} (RFC 7230 §3.3.2: none on 1xx)
     */
    public ByteBuffer response(Outcome.Accepted accepted, Headers extra) {
        checkExtra(extra, RESERVED_101);
        String subprotocol = accepted.selectedSubprotocol();
        if (subprotocol != null && !HttpGrammar.isText(subprotocol)) {
            throw new IllegalArgumentException("header value holds an illegal character");
        }
        String extensionsValue = accepted.extensions().isEmpty() ? null : negotiatedExtensions(accepted);
        byte[] accept = AcceptKey.asciiOf(accepted.key()); // RFC 6455 §4.2.2 item 5.4
        int size = switching(HeadWriter.measuring(), accept, subprotocol, extensionsValue, extra)
                .size();
        return switching(new HeadWriter(size), accept, subprotocol, extensionsValue, extra)
                .end();
    }

    /**
     * The 101's lines, bytes straight into the response: every value is a constant, base64,
     * checked by {@link #response(Outcome.Accepted, Headers)}, or was checked when its {@link
     * Headers} were built, so nothing can inject a header.
     */
    private static HeadWriter switching(
            HeadWriter out, byte[] accept, String subprotocol, String extensions, Headers extra) {
        out.statusLine(HTTP_1_1, 101, ReasonPhrase.of(101))
                .field("Upgrade", "websocket")
                .field("Connection", "Upgrade")
                .field("Sec-WebSocket-Accept", accept);
        if (subprotocol != null) {
            out.field("Sec-WebSocket-Protocol", subprotocol);
        }
        if (extensions != null) {
            out.field("Sec-WebSocket-Extensions", extensions);
        }
        return out.fields(extra);
    }

    private static String negotiatedExtensions(Outcome.Accepted accepted) {
        List<ExtensionParameters> negotiated =
                new ArrayList<>(accepted.extensions().size());
        for (Extension e : accepted.extensions()) {
            negotiated.add(e.negotiated());
        }
        return ExtensionHeader.format(negotiated);
    }

    /** {@link #rejection(int, String, Headers)} for a {@link Outcome.Rejected}. */
    public static ByteBuffer rejection(Outcome.Rejected rejected) {
        return rejection(rejected.status(), rejected.reason(), rejected.extraHeaders());
    }

    /**
     * A complete HTTP/1.1 error response: status line, {@code Content-Type: text/plain;
     * charset=utf-8}, {@code Content-Length}, {@code Connection: close} ({@code Connection:
     * Upgrade, close} when {@code extra} has an {@code Upgrade} field, as RFC 7230 §6.7 requires),
     * the extra headers, and {@code reason} plus a newline as the body. The connection is to be
     * closed after it.
     *
     * @param status 300 to 599
     * @param reason a short text for the body; it must not carry details of the request
     * @throws IllegalArgumentException for a status out of range or an extra header this sets
     */
    public static ByteBuffer rejection(int status, String reason, Headers extra) {
        if (status < 300 || status > 599) {
            throw new IllegalArgumentException("status must be 300 to 599");
        }
        checkExtra(extra, RESERVED_ERROR);
        byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
        String contentLength = Integer.toString(body.length);
        String connection = extra.contains("Upgrade") ? "Upgrade, close" : "close";
        int size = error(HeadWriter.measuring(), status, contentLength, connection, extra)
                .size();
        ByteBuffer head = error(new HeadWriter(size), status, contentLength, connection, extra)
                .end();
        ByteBuffer out = ByteBuffer.allocate(head.remaining() + body.length);
        return out.put(head).put(body).flip();
    }

    private static HeadWriter error(
            HeadWriter out, int status, String contentLength, String connection, Headers extra) {
        return out.statusLine(HTTP_1_1, status, ReasonPhrase.of(status))
                .field("Content-Type", TEXT_PLAIN)
                .field("Content-Length", contentLength)
                .field("Connection", connection)
                .fields(extra);
    }

    private static void checkExtra(Headers extra, Set<String> reserved) {
        for (int i = 0; i < extra.size(); i++) {
            if (reserved.contains(extra.name(i).toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("header is set by the handshake: " + extra.name(i));
            }
        }
    }

    /**
     * The request target split into path and query (RFC 7230 §5.3): origin-form, or absolute-form
     * with an http(s)/ws(s) scheme (RFC 6455 §4.2.1 item 1), whose authority is not used here.
     */
    private record Target(String path, String query) {
        static Target parse(String raw) {
            String rest = raw;
            if (!raw.startsWith("/")) {
                int schemeEnd = raw.indexOf("://");
                if (schemeEnd < 0
                        || !ABSOLUTE_SCHEMES.contains(
                                raw.substring(0, schemeEnd).toLowerCase(Locale.ROOT))) {
                    return null;
                }
                int start = schemeEnd + 3;
                int slash = raw.indexOf('/', start);
                int question = raw.indexOf('?', start);
                int pathStart = slash < 0 || (question >= 0 && question < slash) ? question : slash;
                rest = pathStart < 0 ? "/" : raw.substring(pathStart);
                rest = rest.startsWith("?") ? "/" + rest : rest;
            }
            if (rest.indexOf('#') >= 0) {
                return null; // RFC 6455 §3: fragment identifiers must not be used
            }
            int q = rest.indexOf('?');
            return q < 0 ? new Target(rest, null) : new Target(rest.substring(0, q), rest.substring(q + 1));
        }
    }

    /**
     * Configures a {@link ServerHandshake}.
     *
     * <p>Threading: not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private List<String> subprotocols = List.of();
        private List<ExtensionFactory> extensions = List.of();
        private OriginPolicy originPolicy = OriginPolicy.sameOrigin();
        private boolean secure;

        private Builder() {}

        /**
         * Whether requests arrive over TLS ({@code wss}); the origin policy compares it with the
         * origin's scheme (RFC 6454 §4: the scheme is part of the origin).
         */
        public Builder secure(boolean secure) {
            this.secure = secure;
            return this;
        }

        /** The subprotocols this server speaks, most preferred first. */
        public Builder subprotocols(List<String> subprotocols) {
            this.subprotocols = List.copyOf(subprotocols);
            return this;
        }

        /** The extensions this server can negotiate. */
        public Builder extensions(List<ExtensionFactory> extensions) {
            this.extensions = List.copyOf(extensions);
            return this;
        }

        /** Who may connect; {@link OriginPolicy#sameOrigin()} by default. */
        public Builder originPolicy(OriginPolicy originPolicy) {
            this.originPolicy = Objects.requireNonNull(originPolicy, "originPolicy");
            return this;
        }

        public ServerHandshake build() {
            return new ServerHandshake(this);
        }
    }
}
