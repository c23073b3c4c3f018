package io.duplex.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address range in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, or a single
 * address), matched without any name lookup.
 *
 * <p>Threading: immutable; safe to share.
 */
public record Cidr(byte[] network, int bits) {

    /** Parses {@code address[/bits]}; the address must be a literal (never resolved through DNS). */
    public static Cidr parse(String text) {
        String s = text.trim();
        int slash = s.indexOf('/');
        InetAddress address = IpLiteral.parse(slash < 0 ? s : s.substring(0, slash));
        if (address == null) {
            throw new IllegalArgumentException("not an IP address or CIDR range: " + text);
        }
        byte[] net = address.getAddress();
        int max = net.length * 8;
        int bits = max;
        if (slash >= 0) {
            String b = s.substring(slash + 1);
            if (b.isEmpty() || b.length() > 3 || !b.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("bad prefix length in " + text);
            }
            bits = Integer.parseInt(b);
            if (bits > max) {
                throw new IllegalArgumentException("prefix length over " + max + " in " + text);
            }
        }
        return new Cidr(mask(net, bits), bits);
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        byte[] masked = mask(a, bits);
        return java.util.Arrays.equals(masked, network);
    }

    /** {@code address} with all but its first {@code bits} bits cleared. */
    static byte[] mask(byte[] address, int bits) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }

    /**
     * The key a per-address limit counts under: an IPv4 address itself, an IPv6 address's /64
     * prefix (RFC 4291 §2.5.4: one subscriber is usually given a whole /64, so counting single
     * IPv6 addresses would let one host use 2^64 of them).
     */
    public static InetAddress limitKey(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 4) {
            return address;
        }
        try {
            return InetAddress.getByAddress(mask(a, 64));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen: 16 bytes
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.bits == bits && java.util.Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(network) + bits;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + bits;
        } catch (UnknownHostException e) {
            return "?/" + bits;
        }
    }
}
