package io.duplex.cli;

import io.duplex.ProxyConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Checks the URLs a command is given up front, so that every mistake in one is a usage error
 * (exit 2) with a message that says what is wrong.
 *
 * <p>Threading: stateless.
 */
public final class Urls {
    private Urls() {}

    /** A {@code ws://} or {@code wss://} URL with a host and no fragment (RFC 6455 §3). */
    public static URI parseWebSocketUrl(String text, CommandSpec spec) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw usage(spec, "invalid URL '" + text + "': " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw usage(spec, "URL must start with ws:// or wss://: " + text);
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw usage(spec, "URL has no host: " + text);
        }
        if (uri.getRawFragment() != null) {
            throw usage(spec, "a WebSocket URL cannot have a #fragment (RFC 6455 §3): " + text);
        }
        return uri;
    }

    /** {@code http://[user:password@]host:port}; the scheme may be left out. */
    public static ProxyConfig parseProxy(String text, CommandSpec spec) {
        String scheme = text.contains("://") ? text.substring(0, text.indexOf("://")) : "http";
        if (!scheme.equalsIgnoreCase("http")
                && !scheme.equalsIgnoreCase("socks5")
                && !scheme.equalsIgnoreCase("socks5h")) {
            throw usage(spec, "--proxy must be http:// (HTTP CONNECT) or socks5:// (SOCKS5): " + text);
        }
        try {
            return ProxyConfig.parse(text);
        } catch (IllegalArgumentException e) {
            throw usage(spec, "--proxy: " + e.getMessage() + ": " + text);
        }
    }

    /** {@code host} as it goes into a URL: an IPv6 literal gets brackets. */
    public static String hostForUrl(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static CommandLine.ParameterException usage(CommandSpec spec, String message) {
        return Usage.error(spec, message);
    }
}
