package io.duplex.cli.options;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code -H/--header "Name: value"} (repeatable), as curl takes it: extra fields for the upgrade
 * requests of the clients ({@code connect}, {@code bench}). A malformed value is a usage error
 * ({@link Header.Converter}).
 *
 * <p>Threading: picocli fills the list while parsing; the command reads it on its own thread
 * afterwards.
 */
public final class HeaderOptions {
    @Option(
            names = {"-H", "--header"},
            paramLabel = "HEADER",
            converter = Header.Converter.class,
            description = "Add a \"Name: value\" header to every upgrade request (repeatable).")
    List<Header> headers = new ArrayList<>();

    /** The headers in the order given. */
    public List<Header> headers() {
        return Collections.unmodifiableList(headers);
    }

    /**
     * The headers as request fields, in the order given; the values of a name given more than once
     * joined with {@code ", "} (RFC 9110 §5.3).
     */
    public Map<String, String> fields() {
        Map<String, String> map = new LinkedHashMap<>();
        for (Header h : headers) {
            map.merge(h.name(), h.value(), (a, b) -> a + ", " + b);
        }
        return map;
    }
}
