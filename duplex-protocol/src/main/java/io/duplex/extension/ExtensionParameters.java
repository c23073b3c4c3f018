package io.duplex.extension;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One element of a {@code Sec-WebSocket-Extensions} header (RFC 6455 §9.1): an extension name and
 * its parameters in the order they appeared. A parameter without a value has a {@code null}
 * value ({@code client_max_window_bits} as opposed to {@code client_max_window_bits=10}).
 * Duplicate parameter names are preserved so that an extension can reject them (RFC 7692 §7).
 *
 * <p>Threading: immutable; safe to share.
 */
public record ExtensionParameters(String name, List<Parameter> parameters) {

    /** One {@code name[=value]} parameter; {@code value} is {@code null} when absent. */
    public record Parameter(String name, String value) {
        public Parameter {
            Objects.requireNonNull(name, "name");
        }
    }

    public ExtensionParameters {
        Objects.requireNonNull(name, "name");
        parameters = List.copyOf(parameters);
    }

    public static ExtensionParameters of(String name) {
        return new ExtensionParameters(name, List.of());
    }

    /** A copy with one more parameter ({@code value} may be {@code null}). */
    public ExtensionParameters with(String parameter, String value) {
        List<Parameter> list = new ArrayList<>(parameters);
        list.add(new Parameter(parameter, value));
        return new ExtensionParameters(name, list);
    }

    /** All parameters with the given name (case-insensitive), in order. */
    public List<Parameter> all(String parameter) {
        List<Parameter> found = null;
        for (Parameter p : parameters) {
            if (p.name().equalsIgnoreCase(parameter)) {
                if (found == null) {
                    found = new ArrayList<>(2);
                }
                found.add(p);
            }
        }
        return found == null ? List.of() : Collections.unmodifiableList(found);
    }

    /** Formats this element as it appears in the header, e.g. {@code permessage-deflate; a=1; b}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name);
        for (Parameter p : parameters) {
            sb.append("; ").append(p.name());
            if (p.value() != null) {
                sb.append('=').append(p.value());
            }
        }
        return sb.toString();
    }
}
