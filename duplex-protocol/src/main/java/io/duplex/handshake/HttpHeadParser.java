package io.duplex.handshake;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads one HTTP/1.1 head (RFC 7230 §3) incrementally: feed bytes as they arrive to {@link
 * #parse(ByteBuffer)} until it returns the head. Any split of the input, down to one byte per call,
 * gives the same result. The parser stops right after the empty line that ends the head, so bytes
 * that follow (a pipelined request, a body, the first WebSocket frames) stay in the buffer.
 *
 * <p>Work is linear in the input: every byte is looked at once when it arrives and once more when
 * its line is complete. Limits ({@link HttpHeadLimits}) are checked byte by byte, before memory is
 * committed. Violations raise {@link HandshakeException} with the status to answer:
 *
 * <ul>
 *   <li>414 for a request line longer than {@code maxLineLength}; 431 for any other line too long,
 *       more than {@code maxHeaders} fields or a head bigger than {@code maxHeadSize};
 *   <li>400 for malformed syntax: a bad start line, a field without a colon, whitespace before the
 *       colon or at the start of a line (obs-fold, RFC 7230 §3.2.4), a non-token field name,
 *       control characters, a CR not followed by LF, or a bare LF.
 * </ul>
 *
 * <p>Lines must end with CRLF. The leniency of RFC 7230 §3.5 (a bare LF as line end) is
 * deliberately not taken: parsers that disagree on where a line ends are what request smuggling
 * exploits, and every WebSocket client sends CRLF.
 *
 * <p>A parser reads one head; after it returned a head or threw, further calls throw {@link
 * IllegalStateException}.
 *
 * <p>Threading: not thread-safe; confine to the connection that reads the head.
 */
public final class HttpHeadParser {

    /**
     * Which start line to expect.
     *
     * <p>Threading: constants.
     */
    public enum Kind {
        /** {@code GET /chat HTTP/1.1} — the server reads a request. */
        REQUEST,
        /** {@code HTTP/1.1 101 Switching Protocols} — the client reads a response. */
        RESPONSE
    }

    private static final int INITIAL_LINE_CAPACITY = 128;

    private final HttpHeadLimits limits;
    /** The limits read once: the per-byte loop then makes no call but {@link #append}. */
    private final int maxLineLength;

    private final int maxHeadSize;
    private final Kind kind;
    private final Headers.Builder headers = Headers.builder();
    private byte[] line;
    private int lineLength;
    private boolean sawCr;
    private int headSize;
    private int headerCount;
    private HttpHead startLine;
    private boolean finished;

    public HttpHeadParser(HttpHeadLimits limits, Kind kind) {
        this.limits = limits;
        this.maxLineLength = limits.maxLineLength();
        this.maxHeadSize = limits.maxHeadSize();
        this.kind = kind;
        this.line = new byte[Math.min(INITIAL_LINE_CAPACITY, maxLineLength)];
    }

    /**
     * Consumes bytes of the head from {@code in}, up to and including the empty line that ends it.
     *
     * @return the head once complete (bytes after it are left in {@code in}), or {@code null} when
     *     more bytes are needed (everything in {@code in} was consumed)
     * @throws HandshakeException when the head is malformed or exceeds a limit
     * @throws IllegalStateException when called after the head was returned or an error thrown
     */
    public HttpHead parse(ByteBuffer in) {
        if (finished) {
            throw new IllegalStateException("parser already finished");
        }
        try {
            while (in.hasRemaining()) {
                if (!sawCr) {
                    appendLine(in);
                    if (!in.hasRemaining()) {
                        return null;
                    }
                }
                byte b = in.get(); // CR or LF, or what follows a CR
                countByte();
                if (!sawCr) {
                    if (b == '\n') {
                        throw new HandshakeException(400, "bare LF");
                    }
                    sawCr = true;
                    continue;
                }
                if (b != '\n') {
                    throw new HandshakeException(400, "CR not followed by LF");
                }
                sawCr = false;
                HttpHead head = endOfLine();
                if (head != null) {
                    finished = true;
                    return head;
                }
            }
            return null;
        } catch (HandshakeException e) {
            finished = true;
            throw e;
        }
    }

    /**
     * Moves the bytes before the next CR or LF in {@code in} into {@link #line}, in one bulk copy
     * after one tight scan, and stops at that CR or LF (or at the end of {@code in}). A byte loop
     * that also counted and copied was one large method: C2 spent about 0.7 s of a fresh
     * server's only CPU compiling it (an OSR and a full compile), while the first handshakes
     * waited. The limits decide at the same byte as they would one byte at a time: the line limit
     * first, so an oversized request line gets 414 even when it also reaches the head limit (both
     * are 8 KiB by default), and the stream is left just after the byte that broke one.
     */
    private void appendLine(ByteBuffer in) {
        int from = in.position();
        int lineRoom = maxLineLength - lineLength;
        int headRoom = maxHeadSize - headSize;
        // No need to look further than the first byte a limit refuses.
        int scanEnd = (int) Math.min(in.limit(), (long) from + Math.min(lineRoom, headRoom) + 1);
        int end = from;
        while (end < scanEnd) {
            byte b = in.get(end);
            if (b == '\r' || b == '\n') {
                break;
            }
            end++;
        }
        int n = end - from;
        if (n > lineRoom && lineRoom <= headRoom) {
            in.position(from + lineRoom + 1);
            // RFC 7231 §6.5.12 (414 URI Too Long), RFC 6585 §5 (431)
            throw startLine == null && kind == Kind.REQUEST
                    ? new HandshakeException(414, "request line too long")
                    : new HandshakeException(431, "header line too long");
        }
        if (n > headRoom) {
            in.position(from + headRoom + 1);
            throw new HandshakeException(431, "head too large");
        }
        if (lineLength + n > line.length) {
            line = Arrays.copyOf(line, Math.max(lineLength + n, Math.min(line.length * 2, maxLineLength)));
        }
        in.get(line, lineLength, n);
        lineLength += n;
        headSize += n;
    }

    /** Counts a CR or LF against the head limit (RFC 6585 §5). */
    private void countByte() {
        if (++headSize > maxHeadSize) {
            throw new HandshakeException(431, "head too large");
        }
    }

    /**
     * Handles a complete line; returns the head when the line was the final empty one. A request's
     * lines are cut into their parts where they lie in {@link #line}, without a {@code String} of
     * the whole line, and the words every handshake repeats come from {@link HeadVocabulary}.
     */
    private HttpHead endOfLine() {
        int length = lineLength;
        lineLength = 0;
        if (startLine == null) {
            startLine = kind == Kind.REQUEST
                    ? requestLine(line, length)
                    : statusLine(new String(line, 0, length, StandardCharsets.ISO_8859_1));
            return null;
        }
        if (length == 0) {
            return startLine.withHeaders(headers.build());
        }
        headerField(length);
        return null;
    }

    /** RFC 7230 §3.1.1: {@code method SP request-target SP HTTP-version}. */
    private static HttpHead requestLine(byte[] line, int length) {
        int sp1 = indexOf(line, ' ', 0, length);
        int sp2 = sp1 < 0 ? -1 : indexOf(line, ' ', sp1 + 1, length);
        if (sp2 < 0) {
            throw malformed("malformed request line");
        }
        try {
            return new HttpHead.Request(
                    HeadVocabulary.string(line, 0, sp1),
                    new String(line, sp1 + 1, sp2 - sp1 - 1, StandardCharsets.ISO_8859_1),
                    HeadVocabulary.string(line, sp2 + 1, length),
                    Headers.EMPTY);
        } catch (IllegalArgumentException e) {
            throw malformed("malformed request line");
        }
    }

    /**
     * RFC 7230 §3.1.2: {@code HTTP-version SP status-code SP reason-phrase}. A missing {@code SP
     * reason-phrase} after the code is tolerated: servers in the wild send {@code HTTP/1.1 101}.
     */
    private static HttpHead statusLine(String text) {
        int sp = text.indexOf(' ');
        int codeEnd = sp + 4;
        if (sp < 0 || text.length() < codeEnd || (text.length() > codeEnd && text.charAt(codeEnd) != ' ')) {
            throw malformed("malformed status line");
        }
        int status = 0;
        for (int i = sp + 1; i < codeEnd; i++) {
            char c = text.charAt(i);
            if (!HttpGrammar.isDigit(c)) {
                throw malformed("malformed status line");
            }
            status = status * 10 + (c - '0');
        }
        String reason = text.length() > codeEnd ? text.substring(codeEnd + 1) : "";
        try {
            return new HttpHead.Response(text.substring(0, sp), status, reason, Headers.EMPTY);
        } catch (IllegalArgumentException e) {
            throw malformed("malformed status line");
        }
    }

    /**
     * RFC 7230 §3.2: {@code field-name ":" OWS field-value OWS}. A line starting with whitespace
     * (obs-fold) or whitespace before the colon leaves a field name that is not a token: both are
     * refused with 400 as RFC 7230 §3.2.4 requires.
     */
    private void headerField(int length) {
        if (headerCount == limits.maxHeaders()) {
            throw new HandshakeException(431, "too many header fields");
        }
        int colon = indexOf(line, ':', 0, length);
        if (colon < 0) {
            throw malformed("malformed header field");
        }
        // RFC 7230 §3.2.4: the OWS around a field value is not part of it.
        int from = colon + 1;
        int to = length;
        while (from < to && HttpGrammar.isOws((char) line[from])) {
            from++;
        }
        while (to > from && HttpGrammar.isOws((char) line[to - 1])) {
            to--;
        }
        try {
            headers.add(HeadVocabulary.string(line, 0, colon), HeadVocabulary.string(line, from, to));
        } catch (IllegalArgumentException e) {
            throw malformed("malformed header field");
        }
        headerCount++;
    }

    private static int indexOf(byte[] bytes, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static HandshakeException malformed(String message) {
        return new HandshakeException(400, message);
    }
}
