package io.duplex.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.TrustedProxies;
import io.duplex.UpgradeDecision;
import io.duplex.WebSocket;
import io.duplex.WebSocketConfig;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import io.duplex.testkit.RawClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real client addresses with raw sockets: forwarding headers (RFC 7239 {@code Forwarded}, {@code
 * X-Forwarded-For}) believed only from trusted proxies, PROXY protocol v1/v2 headers from trusted
 * load balancers (malformed ones: the connection is closed, nothing answered), and the
 * per-address limit counting by client address, IPv6 by /64.
 */
class ClientAddressTest {
    WebSocketServer server;
    final BlockingQueue<InetSocketAddress> seenByUpgrader = new LinkedBlockingQueue<>();
    final BlockingQueue<InetSocketAddress> seenBySocket = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(1));
        }
    }

    void start(TrustedProxies trusted, int maxPerAddress) {
        server = Loopback.server()
                .config(WebSocketConfig.builder()
                        .trustedProxies(trusted)
                        .maxConnectionsPerAddress(maxPerAddress)
                        .build())
                .route(
                        "/ws",
                        new WebSocketHandler() {
                            @Override
                            public void onOpen(WebSocket ws) {
                                seenBySocket.add(ws.clientAddress());
                            }
                        },
                        request -> {
                            seenByUpgrader.add(request.clientAddress());
                            return UpgradeDecision.accept();
                        })
                .start();
    }

    InetSocketAddress upgradeWith(String... headers) throws IOException {
        try (RawClient raw = RawClient.connect(server.port())) {
            assertThat(raw.upgrade("/ws", headers)).startsWith("HTTP/1.1 101 ");
            InetSocketAddress a = Await.poll(seenByUpgrader);
            assertThat(Await.poll(seenBySocket)).isEqualTo(a);
            return a;
        }
    }

    static InetSocketAddress at(String ip, int port) throws IOException {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    @Test
    void forwardingHeadersFromAnUntrustedPeerAreIgnored() throws IOException {
        start(TrustedProxies.NONE.withForwardingFrom("10.0.0.0/8").withProxyProtocolFrom("10.0.0.0/8"), 0);
        InetSocketAddress a = upgradeWith("X-Forwarded-For: 203.0.113.7", "Forwarded: for=198.51.100.1");
        assertThat(a.getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(a.getPort()).isNotZero(); // the socket's peer, port included
    }

    @Test
    void xForwardedForFromATrustedProxyNamesTheNearestUntrustedHop() throws IOException {
        start(TrustedProxies.NONE.withForwardingFrom("127.0.0.0/8"), 0);
        // The leftmost entry is whatever the client claimed; the proxies' own entries are trusted.
        assertThat(upgradeWith("X-Forwarded-For: 198.51.100.1, 203.0.113.7, 127.0.0.9"))
                .isEqualTo(at("203.0.113.7", 0));
        // Several header lines are one list, in order.
        assertThat(upgradeWith("X-Forwarded-For: 198.51.100.1", "X-Forwarded-For: 203.0.113.8"))
                .isEqualTo(at("203.0.113.8", 0));
        // A hop that is not an address ends the walk at the last address proved: the peer.
        assertThat(upgradeWith("X-Forwarded-For: 203.0.113.7, evil.example").getAddress())
                .isEqualTo(InetAddress.getByName("127.0.0.1"));
    }

    @Test
    void forwardedHeaderFromATrustedProxy() throws IOException {
        start(TrustedProxies.NONE.withForwardingFrom("127.0.0.1"), 0);
        assertThat(upgradeWith(
                        "Forwarded: for=192.0.2.60;proto=http;by=203.0.113.43, for=\"[2001:db8:cafe::17]:4711\""))
                .isEqualTo(at("2001:db8:cafe::17", 4711));
        // Forwarded wins over X-Forwarded-For when both are present.
        assertThat(upgradeWith("Forwarded: for=192.0.2.61", "X-Forwarded-For: 192.0.2.99"))
                .isEqualTo(at("192.0.2.61", 0));
        // RFC 7239 §6.2–6.3: unknown and obfuscated identifiers say nothing: the peer stands.
        assertThat(upgradeWith("Forwarded: for=unknown").getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(upgradeWith("Forwarded: for=_hidden").getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
    }

    @Test
    void proxyProtocolV1AndV2FromATrustedBalancer() throws IOException {
        start(TrustedProxies.NONE.withProxyProtocolFrom("127.0.0.1/32"), 0);
        assertThat(upgradeAfter(ascii("PROXY TCP4 192.0.2.1 192.0.2.2 56324 443\r\n")))
                .isEqualTo(at("192.0.2.1", 56324));
        assertThat(upgradeAfter(ascii("PROXY TCP6 2001:db8::1 2001:db8::2 4000 443\r\n")))
                .isEqualTo(at("2001:db8::1", 4000));
        assertThat(upgradeAfter(v2(0x21, 0x11, ipv4Block("192.0.2.9", "192.0.2.2", 5555, 443, 8))))
                .isEqualTo(at("192.0.2.9", 5555));
        assertThat(upgradeAfter(v2(0x21, 0x21, ipv6Block("2001:db8::9", "2001:db8::2", 6666, 443))))
                .isEqualTo(at("2001:db8::9", 6666));
        // LOCAL (the balancer's health check) and UNKNOWN: the socket's peer stands.
        assertThat(upgradeAfter(v2(0x20, 0x00, new byte[0])).getAddress())
                .isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(upgradeAfter(ascii("PROXY UNKNOWN\r\n")).getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
    }

    @Test
    void forwardingHeadersBehindAProxyProtocolBalancerAreStillIgnoredUnlessTrusted() throws IOException {
        start(TrustedProxies.NONE.withProxyProtocolFrom("127.0.0.1"), 0);
        assertThat(upgradeAfter(ascii("PROXY TCP4 192.0.2.1 192.0.2.2 56324 443\r\n"), "X-Forwarded-For: 203.0.113.7"))
                .isEqualTo(at("192.0.2.1", 56324));
    }

    @Test
    void malformedProxyHeadersCloseTheConnectionWithoutAnAnswer() throws IOException {
        start(TrustedProxies.NONE.withProxyProtocolFrom("127.0.0.1"), 0);
        byte[][] bad = {
            ascii("GET /ws HTTP/1.1\r\n\r\n"), // no header where one is required: never guessed
            ascii("PROXY TCP4 192.0.2.1 192.0.2.2 56324\r\n"), // a field short
            ascii("PROXY TCP4 2001:db8::1 192.0.2.2 1 2\r\n"), // family mismatch
            ascii("PROXY TCP4 192.0.2.1 192.0.2.2 065535 443\r\n"), // leading zero
            ascii("PROXY TCP4 192.0.2.1 192.0.2.2 70000 443\r\n"), // port out of range
            ascii("PROXY TCP4 " + "1".repeat(120) + "\r\n"), // over 107 bytes
            ascii("PROXY TCP4 host.example 192.0.2.2 1 2\r\n"), // a name, never resolved
            v2(0x31, 0x11, ipv4Block("192.0.2.9", "192.0.2.2", 1, 2, 0)), // version 3
            v2(0x22, 0x11, ipv4Block("192.0.2.9", "192.0.2.2", 1, 2, 0)), // command 2
            v2(0x21, 0x11, new byte[4]), // address block too short for IPv4
            v2(0x21, 0x12, ipv4Block("192.0.2.9", "192.0.2.2", 1, 2, 0)), // UDP
            v2Header(0x21, 0x11, 4096), // declared length over the limit: refused before reading it
        };
        for (byte[] header : bad) {
            try (RawClient raw = RawClient.connect(server.port())) {
                if (header[0] == 'G') {
                    raw.write(header); // the 15 bytes that decide it are in; the rest never arrives
                } else {
                    // One write: the server may close as soon as it has read the bad header, and a
                    // second write would then meet a closed socket (EPIPE) instead of the answer.
                    byte[] request =
                            RawClient.upgradeRequest("/ws", server.port()).getBytes(StandardCharsets.ISO_8859_1);
                    byte[] both = java.util.Arrays.copyOf(header, header.length + request.length);
                    System.arraycopy(request, 0, both, header.length, request.length);
                    raw.write(both);
                }
                assertThat(raw.awaitEnd(Duration.ofSeconds(5)))
                        .as(new String(header, StandardCharsets.ISO_8859_1))
                        .isTrue();
            }
        }
        assertThat(seenByUpgrader).isEmpty();
        Await.eventually("all freed", () -> server.connectionCount() == 0);
    }

    @Test
    void aProxyHeaderFromAnUntrustedPeerIsNotBelieved() throws IOException {
        start(TrustedProxies.NONE.withProxyProtocolFrom("10.0.0.0/8"), 0);
        try (RawClient raw = RawClient.connect(server.port())) {
            raw.write(ascii("PROXY TCP4 192.0.2.1 192.0.2.2 56324 443\r\n"));
            raw.write(RawClient.upgradeRequest("/ws", server.port()));
            // Read as HTTP: "PROXY TCP4 ..." is no request line.
            assertThat(raw.readHead()).startsWith("HTTP/1.1 400 ");
        }
        assertThat(seenByUpgrader).isEmpty();
    }

    @Test
    void perAddressLimitCountsClientAddressesAndIpv6ByPrefix() throws IOException {
        start(TrustedProxies.NONE.withProxyProtocolFrom("127.0.0.1"), 1);
        try (RawClient first = RawClient.connect(server.port());
                RawClient samePrefix = RawClient.connect(server.port());
                RawClient otherPrefix = RawClient.connect(server.port());
                RawClient otherV4 = RawClient.connect(server.port())) {
            first.write(ascii("PROXY TCP6 2001:db8:0:1::1 2001:db8::2 4000 443\r\n"));
            assertThat(first.upgrade("/ws")).startsWith("HTTP/1.1 101 ");
            samePrefix.write(ascii("PROXY TCP6 2001:db8:0:1:ffff::2 2001:db8::2 4001 443\r\n"));
            String refused = samePrefix.upgrade("/ws");
            assertThat(refused).startsWith("HTTP/1.1 503 ").contains("Retry-After: 1");
            otherPrefix.write(ascii("PROXY TCP6 2001:db8:0:2::1 2001:db8::2 4002 443\r\n"));
            assertThat(otherPrefix.upgrade("/ws")).startsWith("HTTP/1.1 101 ");
            // All four came from 127.0.0.1: the socket's peer is not what is counted.
            otherV4.write(ascii("PROXY TCP4 192.0.2.1 192.0.2.2 1 2\r\n"));
            assertThat(otherV4.upgrade("/ws")).startsWith("HTTP/1.1 101 ");
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    InetSocketAddress upgradeAfter(byte[] proxyHeader, String... headers) throws IOException {
        try (RawClient raw = RawClient.connect(server.port())) {
            // Header and request in one write: the header must not swallow the request's bytes.
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.write(proxyHeader);
            both.write(ascii(RawClient.upgradeRequest("/ws", server.port(), headers)));
            raw.write(both.toByteArray());
            assertThat(raw.readHead()).startsWith("HTTP/1.1 101 ");
            InetSocketAddress a = Await.poll(seenByUpgrader);
            assertThat(Await.poll(seenBySocket)).isEqualTo(a);
            return a;
        }
    }

    static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    /** A v2 header (§2.2): signature, version and command, family and transport, length, block. */
    static byte[] v2(int verCmd, int family, byte[] block) {
        ByteBuffer b = ByteBuffer.allocate(16 + block.length);
        b.put(SIGNATURE)
                .put((byte) verCmd)
                .put((byte) family)
                .putShort((short) block.length)
                .put(block);
        return b.array();
    }

    /** Only the 16 fixed bytes, declaring {@code length}. */
    static byte[] v2Header(int verCmd, int family, int length) {
        return ByteBuffer.allocate(16)
                .put(SIGNATURE)
                .put((byte) verCmd)
                .put((byte) family)
                .putShort((short) length)
                .array();
    }

    static byte[] ipv4Block(String src, String dst, int sport, int dport, int tlvBytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(12 + tlvBytes);
        b.put(InetAddress.getByName(src).getAddress())
                .put(InetAddress.getByName(dst).getAddress());
        b.putShort((short) sport).putShort((short) dport);
        // A TLV (type 0x04, NOOP) filling the rest, skipped by the server.
        if (tlvBytes >= 3) {
            b.put((byte) 0x04).putShort((short) (tlvBytes - 3));
        }
        return b.array();
    }

    static byte[] ipv6Block(String src, String dst, int sport, int dport) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(36);
        b.put(InetAddress.getByName(src).getAddress())
                .put(InetAddress.getByName(dst).getAddress());
        b.putShort((short) sport).putShort((short) dport);
        return b.array();
    }
}
