package io.duplex.handshake;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The head of an HTTP/1.1 message (RFC 7230 §3): a start line and header fields, without the
 * body. Either a {@link Request} or a {@link Response}. Every component is checked on
 * construction, so a head can be written back with {@link #encode()} without risk of injection.
 *
 * <p>Threading: immutable; safe to share.
 */
public sealed interface HttpHead permits HttpHead.Request, HttpHead.Response {

    /** The HTTP version, e.g. {@code HTTP/1.1}. */
    String version();

    Headers headers();

    /** A copy of this head with other header fields. */
    HttpHead withHeaders(Headers headers);

    /** The head as it goes on the wire (ISO-8859-1), ending with the empty line. */
    ByteBuffer encode();

    /**
     * A request head (RFC 7230 §3.1.1): {@code method SP request-target SP HTTP-version}.
     *
     * <p>Threading: immutable; safe to share.
     */
    record Request(String method, String target, String version, Headers headers) implements HttpHead {
        /**
         * @throws IllegalArgumentException when the method is not a token, the target is empty or
         *     holds a character other than visible ASCII, or the version is not {@code HTTP/d.d}
         */
        public Request {
            if (!HttpGrammar.isToken(method)) {
                throw new IllegalArgumentException("method is not a token");
            }
            if (target.isEmpty() || !isVisibleAscii(target)) {
                throw new IllegalArgumentException("illegal request target");
            }
            checkVersion(version);
            Objects.requireNonNull(headers, "headers");
        }

        @Override
        public Request withHeaders(Headers headers) {
            return new Request(method, target, version, headers);
        }

        @Override
        public ByteBuffer encode() {
            int size = HeadWriter.measuring()
                    .requestLine(method, target, version)
                    .fields(headers)
                    .size();
            return new HeadWriter(size)
                    .requestLine(method, target, version)
                    .fields(headers)
                    .end();
        }

        private static boolean isVisibleAscii(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c <= 0x20 || c >= 0x7F) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * A response head (RFC 7230 §3.1.2): {@code HTTP-version SP status-code SP reason-phrase}.
     *
     * <p>Threading: immutable; safe to share.
     */
    record Response(String version, int status, String reasonPhrase, Headers headers) implements HttpHead {
        /**
         * @throws IllegalArgumentException when the version is not {@code HTTP/d.d}, the status
         *     has not three digits or the reason phrase holds a control character
         */
        public Response {
            checkVersion(version);
            if (status < 100 || status > 999) {
                throw new IllegalArgumentException("status must have three digits");
            }
            if (!HttpGrammar.isText(reasonPhrase)) {
                throw new IllegalArgumentException("illegal reason phrase");
            }
            Objects.requireNonNull(headers, "headers");
        }

        @Override
        public Response withHeaders(Headers headers) {
            return new Response(version, status, reasonPhrase, headers);
        }

        @Override
        public ByteBuffer encode() {
            int size = HeadWriter.measuring()
                    .statusLine(version, status, reasonPhrase)
                    .fields(headers)
                    .size();
            return new HeadWriter(size)
                    .statusLine(version, status, reasonPhrase)
                    .fields(headers)
                    .end();
        }
    }

    private static void checkVersion(String version) {
        if (!HttpGrammar.isHttpVersion(version)) {
            throw new IllegalArgumentException("version must be HTTP/d.d");
        }
    }
}
