package io.duplex.cli.connect;

import io.duplex.ProxyConfig;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The proxy {@code duplex connect} uses when {@code --proxy} is not given, as curl and most tools
 * find it: the environment first — {@code HTTPS_PROXY} for {@code wss://}, {@code HTTP_PROXY} for
 * {@code ws://}, then {@code ALL_PROXY} (lower-case names too, which win), skipped for hosts in
 * {@code NO_PROXY} — then the JVM's {@link ProxySelector} (e.g. {@code -Dhttps.proxyHost}, {@code
 * -DsocksProxyHost}, {@code -Djava.net.useSystemProxies=true}), asked for the {@code https://}
 * or {@code http://} form of the URL.
 *
 * <p>Loopback hosts ({@code localhost}, {@code 127.0.0.0/8}, {@code ::1}) are always reached
 * directly, as Go's and Python's HTTP clients do: a proxy elsewhere cannot reach this machine's
 * loopback. {@code --proxy} still applies to them.
 *
 * <p>{@code NO_PROXY}: a comma-separated list of host names, domain suffixes (with or without a
 * leading dot: {@code example.com} matches {@code a.example.com}), IP addresses, optionally with
 * {@code :port}; {@code *} disables proxies altogether.
 *
 * <p>Threading: stateless.
 */
final class SystemProxy {
    private SystemProxy() {}

    /**
     * @return the proxy for {@code uri}, or null to connect directly
     * @throws IllegalArgumentException when the environment names a proxy that cannot be parsed
     */
    static ProxyConfig find(URI uri, Map<String, String> env, ProxySelector selector) {
        boolean secure = "wss".equalsIgnoreCase(uri.getScheme());
        String host = uri.getHost();
        int port = uri.getPort() != -1 ? uri.getPort() : secure ? 443 : 80;
        if (host == null || isLoopback(host) || bypassed(host, port, variable(env, "no_proxy"))) {
            return null;
        }
        String fromEnv = variable(env, secure ? "https_proxy" : "http_proxy");
        if (fromEnv == null) {
            fromEnv = variable(env, "all_proxy");
        }
        if (fromEnv != null) {
            return ProxyConfig.parse(fromEnv);
        }
        return selector == null ? null : fromSelector(selector, uri, secure);
    }

    /** The lower-case variable if set and not empty, else the upper-case one (as curl does). */
    private static String variable(Map<String, String> env, String lowerName) {
        String v = env.get(lowerName);
        if (v == null || v.isBlank()) {
            v = env.get(lowerName.toUpperCase(Locale.ROOT));
        }
        return v == null || v.isBlank() ? null : v.trim();
    }

    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT).replace("[", "").replace("]", "");
        return h.equals("localhost")
                || h.endsWith(".localhost")
                || h.startsWith("127.")
                || h.equals("::1")
                || h.equals("0:0:0:0:0:0:0:1");
    }

    static boolean bypassed(String host, int port, String noProxy) {
        if (noProxy == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT).replace("[", "").replace("]", "");
        for (String raw : noProxy.split(",")) {
            String entry = raw.trim().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.equals("*")) {
                return true;
            }
            int colon = entry.lastIndexOf(':');
            if (colon > 0
                    && entry.indexOf(':') == colon
                    && entry.substring(colon + 1).matches("\\d+")) {
                if (Integer.parseInt(entry.substring(colon + 1)) != port) {
                    continue;
                }
                entry = entry.substring(0, colon);
            }
            entry = entry.replace("[", "").replace("]", "");
            if (entry.startsWith("*.")) {
                entry = entry.substring(1);
            }
            String suffix = entry.startsWith(".") ? entry : "." + entry;
            if (h.equals(entry.startsWith(".") ? entry.substring(1) : entry) || h.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    private static ProxyConfig fromSelector(ProxySelector selector, URI uri, boolean secure) {
        URI asked = URI.create((secure ? "https" : "http") + "://" + uri.getRawAuthority() + "/");
        List<Proxy> proxies = selector.select(asked);
        for (Proxy p : proxies == null ? List.<Proxy>of() : proxies) {
            if (p.type() == Proxy.Type.DIRECT || !(p.address() instanceof InetSocketAddress a)) {
                continue;
            }
            String proxyHost = a.getHostString();
            return p.type() == Proxy.Type.SOCKS
                    ? ProxyConfig.socks5(proxyHost, a.getPort())
                    : ProxyConfig.of(proxyHost, a.getPort());
        }
        return null;
    }
}
