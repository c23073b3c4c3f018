package io.duplex.handshake;

import io.duplex.extension.Extension;
import io.duplex.extension.ExtensionFactory;
import io.duplex.extension.ExtensionParameters;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * The client's side of the opening handshake (RFC 6455 §4.1): {@link #request()} gives the bytes
 * of the upgrade request, {@link #validate(HttpHead)} checks the server's response and negotiates
 * the subprotocol and extensions. The key is chosen when the handshake is built.
 *
 * <p>Threading: immutable once built; safe to share (each {@link #request()} returns a new
 * buffer). {@link Builder} is not thread-safe.
 */
public final class ClientHandshake {

    /** Header names the handshake writes itself; a caller may not set them (lower case). */
    private static final Set<String> RESERVED = Set.of(
            "host",
            "upgrade",
            "connection",
            "sec-websocket-key",
            "sec-websocket-version",
            "sec-websocket-protocol",
            "sec-websocket-extensions",
            "sec-websocket-accept",
            "origin",
            "content-length",
            "transfer-encoding");

    private final URI uri;
    private final String key;
    private final HttpHead.Request head;
    private final List<String> subprotocols;
    private final List<ExtensionFactory> extensions;

    private ClientHandshake(Builder b, String key) {
        this.uri = b.uri;
        this.key = key;
        this.subprotocols = b.subprotocols;
        this.extensions = b.extensions;
        this.head = new HttpHead.Request("GET", target(uri), "HTTP/1.1", headers(b, key));
    }

    /**
     * @param uri a {@code ws} or {@code wss} URI without fragment (RFC 6455 §3)
     */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    public URI uri() {
        return uri;
    }

    /** The {@code Sec-WebSocket-Key} sent. */
    public String key() {
        return key;
    }

    /** The request head that {@link #request()} encodes. */
    public HttpHead.Request head() {
        return head;
    }

    /** The request bytes to send, in a new buffer. */
    public ByteBuffer request() {
        return head.encode();
    }

    /**
     * Checks the server's response (RFC 6455 §4.1, "the client MUST validate the server's
     * response"): status 101, {@code Upgrade: websocket}, {@code Connection} with token {@code
     * upgrade}, the expected {@code Sec-WebSocket-Accept}, a subprotocol we offered if any, and
     * only extensions we offered. Extensions are created last, so a failure leaks none.
     *
     * @param response the response head, as read by {@link HttpHeadParser} ({@link
     *     HttpHeadParser.Kind#RESPONSE})
     * @throws HandshakeException when the client must fail the connection; it carries the
     *     response's status and headers (e.g. {@code Retry-After} on a 503)
     * @throws IllegalArgumentException when {@code response} is a request head
     */
    public Result validate(HttpHead response) {
        if (!(response instanceof HttpHead.Response r)) {
            throw new IllegalArgumentException("not a response head");
        }
        Headers h = r.headers();
        if (r.status() != 101) {
            throw fail(r, "server did not switch protocols", null);
        }
        List<String> upgrade = h.tokens("Upgrade");
        if (upgrade.size() != 1 || !upgrade.get(0).equalsIgnoreCase("websocket")) {
            throw fail(r, "response Upgrade is not websocket", null);
        }
        if (!h.containsToken("Connection", "upgrade")) {
            throw fail(r, "response Connection lacks upgrade", null);
        }
        List<String> accept = h.all("Sec-WebSocket-Accept");
        if (accept.size() != 1 || !accept.get(0).equals(AcceptKey.of(key))) {
            throw fail(r, "wrong Sec-WebSocket-Accept", null);
        }
        // RFC 6455 §4.1: a subprotocol the client did not offer fails the connection
        List<String> protocol = h.all("Sec-WebSocket-Protocol");
        if (protocol.size() > 1 || (protocol.size() == 1 && !subprotocols.contains(protocol.get(0)))) {
            throw fail(r, "server selected a subprotocol that was not offered", null);
        }
        String subprotocol = protocol.isEmpty() ? null : protocol.get(0);
        return new Result(subprotocol, extensions(r), r);
    }

    private List<Extension> extensions(HttpHead.Response r) {
        List<String> values = r.headers().all("Sec-WebSocket-Extensions");
        if (values.isEmpty()) {
            return List.of();
        }
        try {
            return ExtensionNegotiation.client(ExtensionHeader.parse(values), extensions);
        } catch (HandshakeException e) {
            throw fail(r, e.getMessage(), e);
        }
    }

    private static HandshakeException fail(HttpHead.Response r, String message, Throwable cause) {
        return new HandshakeException(r.status(), message, r.headers(), cause);
    }

    /**
     * RFC 6455 §3: the resource name is the path ("/" when empty) and the query. The URI is
     * hierarchical (it has a host), so its raw path is never null.
     */
    private static String target(URI uri) {
        String path = uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + '?' + uri.getRawQuery();
    }

    private static Headers headers(Builder b, String key) {
        Headers.Builder h = Headers.builder()
                .add("Host", host(b.uri))
                .add("Upgrade", "websocket")
                .add("Connection", "Upgrade")
                .add("Sec-WebSocket-Key", key)
                .add("Sec-WebSocket-Version", "13");
        if (!b.subprotocols.isEmpty()) {
            h.add("Sec-WebSocket-Protocol", String.join(", ", b.subprotocols));
        }
        List<ExtensionParameters> offers = new ArrayList<>();
        for (ExtensionFactory f : b.extensions) {
            offers.addAll(f.clientOffers());
        }
        if (!offers.isEmpty()) {
            h.add("Sec-WebSocket-Extensions", ExtensionHeader.format(offers));
        }
        if (b.origin != null) {
            h.add("Origin", b.origin);
        }
        return h.addAll(b.headers.build()).build();
    }

    /**
     * RFC 6455 §4.1 item 4 and RFC 7230 §5.4: the host, an IPv6 literal in brackets ({@link
     * URI#getHost()} keeps them), and the port only when it is not the scheme's default.
     */
    private static String host(URI uri) {
        int defaultPort = "wss".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        int port = uri.getPort();
        return port == -1 || port == defaultPort ? uri.getHost() : uri.getHost() + ':' + port;
    }

    /**
     * The outcome of a successful handshake.
     *
     * <p>Threading: immutable; the extensions are confined to the connection that installs them.
     *
     * @param subprotocol the subprotocol the server selected, or {@code null}
     * @param extensions the negotiated extensions in response order; the caller owns them and
     *     must close them if it does not go on
     * @param response the server's response head
     */
    public record Result(String subprotocol, List<Extension> extensions, HttpHead.Response response) {
        public Result {
            extensions = List.copyOf(extensions);
        }
    }

    /**
     * Configures a {@link ClientHandshake}.
     *
     * <p>Threading: not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private final URI uri;
        private final Headers.Builder headers = Headers.builder();
        private List<String> subprotocols = List.of();
        private List<ExtensionFactory> extensions = List.of();
        private String origin;
        private Random random;

        private Builder(URI uri) {
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("ws") && !scheme.equals("wss")) {
                throw new IllegalArgumentException("scheme must be ws or wss");
            }
            if (uri.getHost() == null || uri.getRawFragment() != null) {
                // RFC 6455 §3: a host is required and fragments must not be used
                throw new IllegalArgumentException("URI needs a host and no fragment");
            }
            this.uri = uri;
        }

        /**
         * Adds a request header.
         *
         * @throws IllegalArgumentException for a header the handshake sets itself (Host, Upgrade,
         *     Connection, Sec-WebSocket-*, Origin, Content-Length, Transfer-Encoding) or an illegal
         *     name or value
         */
        public Builder header(String name, String value) {
            if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("header is set by the handshake: " + name);
            }
            headers.add(name, value);
            return this;
        }

        /** The subprotocols to offer, most preferred first; each must be a token. */
        public Builder subprotocols(List<String> subprotocols) {
            for (String p : subprotocols) {
                if (!HttpGrammar.isToken(p)) {
                    throw new IllegalArgumentException("subprotocol is not a token");
                }
            }
            this.subprotocols = List.copyOf(subprotocols);
            return this;
        }

        /** The extensions to offer, in order; names must be distinct. */
        public Builder extensions(List<ExtensionFactory> extensions) {
            Set<String> names = new HashSet<>();
            for (ExtensionFactory f : extensions) {
                if (!names.add(f.name())) {
                    throw new IllegalArgumentException("extension offered twice: " + f.name());
                }
            }
            this.extensions = List.copyOf(extensions);
            return this;
        }

        /**
         * The {@code Origin} to send (browsers always do; other clients may), or {@code null}. An
         * illegal value makes {@link #build()} throw {@link IllegalArgumentException}.
         */
        public Builder origin(String origin) {
            this.origin = origin;
            return this;
        }

        /**
         * The source of the key nonce (RFC 6455 §4.1: randomly selected); a {@link SecureRandom}
         * by default. Tests pass a seeded one for repeatable bytes.
         */
        public Builder random(Random random) {
            this.random = random;
            return this;
        }

        public ClientHandshake build() {
            Random r = random == null ? new SecureRandom() : random;
            return new ClientHandshake(this, AcceptKey.newKey(r));
        }
    }
}
