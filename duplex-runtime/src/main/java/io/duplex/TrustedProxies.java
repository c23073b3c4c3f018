package io.duplex;

import io.duplex.internal.Cidr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which peers a server believes about the real client address: HTTP proxies whose {@code
 * Forwarded} (RFC 7239) or {@code X-Forwarded-For} headers it reads, and load balancers that put
 * a PROXY protocol header (HAProxy's PROXY protocol, version 1 or 2) in front of each
 * connection. Ranges are IP literals or CIDR ranges ({@code 10.0.0.0/8}, {@code fd00::/8}); no
 * name is ever resolved.
 *
 * <p>The client address found this way is what {@link UpgradeRequest#clientAddress()}, {@link
 * WebSocket#clientAddress()}, the per-address connection limit and the per-address handshake rate
 * limit use. Headers from any other peer are ignored, so a client cannot claim another address by
 * sending them. A peer listed for the PROXY protocol must send the header (the server never
 * guesses: a connection from such a peer without a valid header is closed), and peers not listed
 * must not.
 *
 * <p>Threading: immutable; safe to share.
 */
public final class TrustedProxies {
    /** Trusts nobody: the client address is the socket's peer. */
    public static final TrustedProxies NONE = new TrustedProxies(List.of(), List.of());

    private final List<Cidr> forwarding;
    private final List<Cidr> proxyProtocol;

    private TrustedProxies(List<Cidr> forwarding, List<Cidr> proxyProtocol) {
        this.forwarding = List.copyOf(forwarding);
        this.proxyProtocol = List.copyOf(proxyProtocol);
    }

    /** Also reads {@code Forwarded} / {@code X-Forwarded-For} from peers in these ranges. */
    public TrustedProxies withForwardingFrom(String... ranges) {
        return new TrustedProxies(concat(forwarding, ranges), proxyProtocol);
    }

    /** Also expects a PROXY protocol v1 or v2 header from peers in these ranges. */
    public TrustedProxies withProxyProtocolFrom(String... ranges) {
        return new TrustedProxies(forwarding, concat(proxyProtocol, ranges));
    }

    private static List<Cidr> concat(List<Cidr> have, String... ranges) {
        List<Cidr> out = new ArrayList<>(have);
        for (String r : ranges) {
            out.add(Cidr.parse(Objects.requireNonNull(r, "range")));
        }
        return out;
    }

    /** Whether forwarding headers from {@code peer} are believed. */
    public boolean forwards(InetAddress peer) {
        return matches(forwarding, peer);
    }

    /** Whether a connection from {@code peer} starts with a PROXY protocol header. */
    public boolean sendsProxyProtocol(InetAddress peer) {
        return matches(proxyProtocol, peer);
    }

    /** Whether any range is configured. */
    public boolean isEmpty() {
        return forwarding.isEmpty() && proxyProtocol.isEmpty();
    }

    private static boolean matches(List<Cidr> ranges, InetAddress a) {
        for (Cidr c : ranges) {
            if (c.contains(a)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrustedProxies t
                && t.forwarding.equals(forwarding)
                && t.proxyProtocol.equals(proxyProtocol);
    }

    @Override
    public int hashCode() {
        return Objects.hash(forwarding, proxyProtocol);
    }

    @Override
    public String toString() {
        return "TrustedProxies[forwarding=" + forwarding + ", proxyProtocol=" + proxyProtocol + "]";
    }
}
