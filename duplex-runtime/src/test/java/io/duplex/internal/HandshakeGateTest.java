package io.duplex.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.HandshakeRateLimit;
import io.duplex.WebSocketConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Token buckets on a manual clock; the per-address table stays bounded; IPv6 keys by /64. */
class HandshakeGateTest {
    final AtomicLong now = new AtomicLong(1_000);

    HandshakeGate gate(HandshakeRateLimit global, HandshakeRateLimit perAddress) {
        WebSocketConfig config = WebSocketConfig.builder()
                .handshakeRate(global)
                .handshakeRatePerAddress(perAddress)
                .build();
        return new HandshakeGate(config, new ConnectionLimits(1_000_000, 0), now::get);
    }

    static InetSocketAddress at(String ip) throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(ip), 1);
    }

    HandshakeGate.Refusal admit(HandshakeGate g, String ip) throws UnknownHostException {
        InetSocketAddress a = at(ip);
        return g.admitUpgrade(new ClientAddress(a, (client, gone) -> {}), a);
    }

    @Test
    void refillsAtItsRateAndSaysWhenToComeBack() throws UnknownHostException {
        HandshakeGate g = gate(HandshakeRateLimit.OFF, new HandshakeRateLimit(2, 2));
        assertThat(admit(g, "192.0.2.1")).isNull();
        assertThat(admit(g, "192.0.2.1")).isNull();
        HandshakeGate.Refusal r = admit(g, "192.0.2.1");
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.retryAfterSeconds()).isEqualTo(1); // half a second, rounded up
        assertThat(r.headers().first("Retry-After")).isEqualTo("1");
        now.addAndGet(500_000_000L); // one token back
        assertThat(admit(g, "192.0.2.1")).isNull();
        assertThat(admit(g, "192.0.2.1")).isNotNull();
    }

    @Test
    void globalBucketIs503AndSlowRatesGiveLongRetryAfter() throws UnknownHostException {
        HandshakeGate g = gate(new HandshakeRateLimit(0.01, 1), HandshakeRateLimit.OFF);
        assertThat(admit(g, "192.0.2.1")).isNull();
        HandshakeGate.Refusal r = admit(g, "192.0.2.2");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.retryAfterSeconds()).isEqualTo(100);
    }

    @Test
    void ipv6AddressesShareABucketPer64() throws UnknownHostException {
        HandshakeGate g = gate(HandshakeRateLimit.OFF, new HandshakeRateLimit(1, 1));
        assertThat(admit(g, "2001:db8:1:2::1")).isNull();
        assertThat(admit(g, "2001:db8:1:2:ffff:ffff:ffff:ffff")).isNotNull();
        assertThat(admit(g, "2001:db8:1:3::1")).isNull();
        assertThat(Cidr.limitKey(InetAddress.getByName("2001:db8:1:2:abcd::9")))
                .isEqualTo(InetAddress.getByName("2001:db8:1:2::"));
    }

    @Test
    void theAddressTableIsBoundedAndFullBucketsAreSweptOut() throws UnknownHostException {
        HandshakeGate g = gate(HandshakeRateLimit.OFF, new HandshakeRateLimit(1000, 1));
        for (int i = 0; i < HandshakeGate.MAX_TRACKED + 10; i++) {
            byte[] b = {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i};
            InetSocketAddress a = new InetSocketAddress(InetAddress.getByAddress(b), 1);
            g.admitUpgrade(new ClientAddress(a, (client, gone) -> {}), a);
        }
        assertThat(g.tracked()).isEqualTo(HandshakeGate.MAX_TRACKED);
        now.addAndGet(2_000_000_000L); // every bucket full again, and a sweep is due
        assertThat(admit(g, "192.0.2.77")).isNull();
        assertThat(g.tracked()).isEqualTo(1);
    }

    @Test
    void cidrRanges() throws UnknownHostException {
        assertThat(Cidr.parse("10.0.0.0/8").contains(InetAddress.getByName("10.200.3.4")))
                .isTrue();
        assertThat(Cidr.parse("10.0.0.0/8").contains(InetAddress.getByName("11.0.0.1")))
                .isFalse();
        assertThat(Cidr.parse("10.0.0.0/8").contains(InetAddress.getByName("::1")))
                .isFalse();
        assertThat(Cidr.parse("2001:db8::/32").contains(InetAddress.getByName("2001:db8:ffff::1")))
                .isTrue();
        assertThat(Cidr.parse("192.0.2.7").contains(InetAddress.getByName("192.0.2.7")))
                .isTrue();
        assertThat(Cidr.parse("192.0.2.7").contains(InetAddress.getByName("192.0.2.8")))
                .isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("203.0.113.1")))
                .isTrue();
        for (String bad : new String[] {
            "example.com", "10.0.0.0/33", "10.0.0/8", "::1/129", "1.2.3.4/", "fe80::1%eth0", "256.1.1.1"
        }) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Cidr.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
