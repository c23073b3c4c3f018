package io.duplex.internal;

import io.duplex.HttpHandler;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The server's plain-HTTP routes: path prefixes to {@link HttpHandler}s, the longest prefix first,
 * and the largest request body accepted.
 *
 * <p>Threading: immutable.
 *
 * @param maxBody the largest {@code Content-Length} accepted; larger gets 413
 */
public record HttpRoutes(List<Map.Entry<String, HttpHandler>> prefixes, int maxBody) {
    /** The default of {@code maxBody}: 1 MiB. */
    public static final int DEFAULT_MAX_BODY = 1 << 20;

    public HttpRoutes {
        prefixes = prefixes.stream()
                .sorted(Comparator.comparingInt(
                                (Map.Entry<String, HttpHandler> e) -> e.getKey().length())
                        .reversed())
                .map(e -> Map.entry(e.getKey(), e.getValue()))
                .toList();
    }

    /** The handler of the longest prefix {@code path} starts with, or null. */
    public HttpHandler handler(String path) {
        for (Map.Entry<String, HttpHandler> e : prefixes) {
            if (matches(e.getKey(), path)) {
                return e.getValue();
            }
        }
        return null;
    }

    /**
     * Whether {@code path} is under {@code prefix}: starts with it, or is it without its trailing
     * slash ({@code /socket.io} for {@code /socket.io/}).
     */
    public static boolean matches(String prefix, String path) {
        return path.startsWith(prefix)
                || (prefix.endsWith("/") && path.length() == prefix.length() - 1 && prefix.startsWith(path));
    }
}
