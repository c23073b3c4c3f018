package io.duplex.handshake;

import java.nio.ByteBuffer;

/**
 * Writes an HTTP/1.1 head (RFC 7230 §3) straight into a byte array of the size it will have, so a
 * head costs that one array and no intermediate {@code StringBuilder} or {@code String}. The size
 * comes from running the same calls on a {@link #measuring()} writer first, which only counts:
 *
 * <pre>{@code
 * int size = HeadWriter.measuring().statusLine(...).field(...).size();
 * ByteBuffer head = new HeadWriter(size).statusLine(...).field(...).end();
 * }</pre>
 *
 * <p>Characters are written as ISO-8859-1 (RFC 7230 §3.2.4), one byte each. Callers write only
 * what the grammar allows: field names and values from {@link Headers} (checked when added), the
 * start line of an {@link HttpHead} (checked on construction), or constants.
 *
 * <p>Threading: not thread-safe; one writer per head.
 */
final class HeadWriter {
    private static final int CRLF = 2;

    /** Null while measuring. */
    private final byte[] bytes;

    private int length;

    /** A writer for a head of exactly {@code size} bytes, the final empty line included. */
    HeadWriter(int size) {
        this.bytes = new byte[size];
    }

    private HeadWriter() {
        this.bytes = null;
    }

    /** A writer that writes nothing and counts the bytes, for {@link #size()}. */
    static HeadWriter measuring() {
        return new HeadWriter();
    }

    /** Writes {@code method SP request-target SP HTTP-version CRLF} (RFC 7230 §3.1.1). */
    HeadWriter requestLine(String method, String target, String version) {
        text(method).space();
        text(target).space();
        return text(version).crlf();
    }

    /** Writes {@code HTTP-version SP status-code SP reason-phrase CRLF} (RFC 7230 §3.1.2). */
    HeadWriter statusLine(String version, int status, String reasonPhrase) {
        text(version).space();
        if (bytes != null) {
            bytes[length] = (byte) ('0' + status / 100);
            bytes[length + 1] = (byte) ('0' + status / 10 % 10);
            bytes[length + 2] = (byte) ('0' + status % 10);
        }
        length += 3;
        space();
        return text(reasonPhrase).crlf();
    }

    /** Writes {@code name: value CRLF}. */
    HeadWriter field(String name, String value) {
        text(name).separator();
        return text(value).crlf();
    }

    /** Writes {@code name: value CRLF} for a value already in ASCII bytes. */
    HeadWriter field(String name, byte[] value) {
        text(name).separator();
        if (bytes != null) {
            System.arraycopy(value, 0, bytes, length, value.length);
        }
        length += value.length;
        return crlf();
    }

    /** Writes every field of {@code headers}, in order. */
    HeadWriter fields(Headers headers) {
        for (int i = 0; i < headers.size(); i++) {
            field(headers.name(i), headers.value(i));
        }
        return this;
    }

    /** The bytes of the head written so far, with the empty line that will end it. */
    int size() {
        return length + CRLF;
    }

    /**
     * Writes the empty line that ends the head and returns the whole head, ready to read.
     *
     * @throws IllegalStateException when measuring, or when the head is not the size announced
     */
    ByteBuffer end() {
        if (bytes == null || size() != bytes.length) {
            throw new IllegalStateException("head of " + size() + " bytes does not fill the array");
        }
        crlf();
        return ByteBuffer.wrap(bytes);
    }

    private HeadWriter text(String s) {
        if (bytes != null) {
            for (int i = 0; i < s.length(); i++) {
                bytes[length + i] = (byte) s.charAt(i); // ISO-8859-1: every legal character is a byte
            }
        }
        length += s.length();
        return this;
    }

    private void space() {
        if (bytes != null) {
            bytes[length] = ' ';
        }
        length++;
    }

    private void separator() {
        if (bytes != null) {
            bytes[length] = ':';
            bytes[length + 1] = ' ';
        }
        length += 2;
    }

    private HeadWriter crlf() {
        if (bytes != null) {
            bytes[length] = '\r';
            bytes[length + 1] = '\n';
        }
        length += CRLF;
        return this;
    }
}
