package io.duplex.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses IP address literals strictly, without ever looking a name up: dotted-quad IPv4 and IPv6
 * text (RFC 4291 §2.2), which is what forwarding headers and the PROXY protocol v1 carry.
 *
 * <p>Threading: stateless.
 */
final class IpLiteral {
    private IpLiteral() {}

    /** The address, or {@code null} when {@code s} is not a literal. */
    static InetAddress parse(String s) {
        if (s.isEmpty() || s.length() > 45) {
            return null;
        }
        if (s.indexOf(':') >= 0) {
            // Only hex digits, colons and an embedded IPv4 tail: InetAddress then parses a
            // literal and never resolves a name. Zone ids (%eth0) are refused.
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                boolean ok = (c >= '0' && c <= '9')
                        || (c >= 'a' && c <= 'f')
                        || (c >= 'A' && c <= 'F')
                        || c == ':'
                        || c == '.';
                if (!ok) {
                    return null;
                }
            }
            try {
                return InetAddress.getByName(s);
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return ipv4(s);
    }

    private static InetAddress ipv4(String s) {
        byte[] b = new byte[4];
        int part = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c == '.') {
                if (digits == 0 || part > 3) {
                    return null;
                }
                b[part++] = (byte) value;
                value = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9' && digits < 3) {
                value = value * 10 + (c - '0');
                digits++;
                if (value > 255) {
                    return null;
                }
            } else {
                return null;
            }
        }
        if (part != 4) {
            return null;
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
