package io.duplex.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.TlsConfig;
import io.duplex.internal.TlsDriver.Peer;
import io.duplex.testing.TestCertificates;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Two {@link TlsTransport}s over real loopback sockets, driven by {@link TlsDriver}. */
class TlsTransportTest {
    static final int MIB = 1024 * 1024;

    static TlsConfig serverConfig(String protocol) {
        return TlsConfig.server(TestCertificates.localhost().serverContext()).protocols(protocol);
    }

    static TlsConfig clientConfig() {
        return TlsConfig.client().trustCertificates(TestCertificates.localhost().certificate());
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** A connected client/server pair of TLS peers on one driver. */
    record Pair(Peer client, Peer server) {}

    static Pair pair(TlsDriver driver, TlsConfig server, TlsConfig client, String host) throws IOException {
        return pair(driver, driver.connectedPair(), server, client, host);
    }

    static Pair pair(TlsDriver driver, SocketChannel[] channels, TlsConfig server, TlsConfig client, String host)
            throws IOException {
        Peer c = driver.peer(TlsTransport.client(channels[0], client, host, 443));
        Peer s = driver.peer(TlsTransport.server(channels[1], server));
        return new Pair(c, s);
    }

    static Stream<Arguments> protocolsAndSizes() {
        List<Arguments> arguments = new ArrayList<>();
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
            for (int size : new int[] {0, 1, 16 * 1024 + 1, MIB}) {
                arguments.add(Arguments.of(protocol, size));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0}, {1} bytes each way")
    @MethodSource("protocolsAndSizes")
    void exchangesDataBothWaysAtOnce(String protocol, int size) throws Exception {
        byte[] fromClient = randomBytes(size, 1);
        byte[] fromServer = randomBytes(size, 2);
        try (TlsDriver driver = new TlsDriver()) {
            Pair p = pair(driver, serverConfig(protocol), clientConfig(), "localhost");
            p.client().send(fromClient).shutdownWhenDrained();
            p.server().send(fromServer).shutdownWhenDrained();
            driver.runUntil("both streams", () -> p.client().endOfStream && p.server().endOfStream);

            assertThat(p.server().bytes()).isEqualTo(fromClient);
            assertThat(p.client().bytes()).isEqualTo(fromServer);
            for (Peer peer : List.of(p.client(), p.server())) {
                assertThat(peer.failure).isNull();
                assertThat(peer.transport.tlsProtocol()).isEqualTo(protocol);
                assertThat(((TlsTransport) peer.transport).applicationProtocol())
                        .isEqualTo("http/1.1");
                assertThat(peer.transport.hasBufferedReads()).isFalse();
                assertThat(peer.transport.hasPendingWrites()).isFalse();
            }
            assertThat(((TlsTransport) p.server().transport).sniHostName()).isEqualTo("localhost");
            assertThat(((TlsTransport) p.client().transport).sniHostName()).isNull();
            // Idle again: no buffer of its own.
            assertThat(((TlsTransport) p.server().transport).ownedBufferCapacity())
                    .isZero();
            assertThat(((TlsTransport) p.client().transport).ownedBufferCapacity())
                    .isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void manySmallWrites(boolean gather) throws Exception {
        Random random = new Random(3);
        List<ByteBuffer> pieces = new ArrayList<>();
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 3000; i++) {
            byte[] piece = randomBytes(1 + random.nextInt(40), i);
            expected.writeBytes(piece);
            pieces.add(ByteBuffer.wrap(piece));
        }
        try (TlsDriver driver = new TlsDriver()) {
            Pair p = pair(driver, serverConfig("TLSv1.3"), clientConfig(), "localhost");
            p.client().gather = gather;
            p.client().send(pieces.toArray(new ByteBuffer[0])).shutdownWhenDrained();
            driver.runUntil("all pieces", () -> p.server().endOfStream);
            assertThat(p.server().bytes()).isEqualTo(expected.toByteArray());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void tinyReadBuffersRelyOnHasBufferedReads(String protocol) throws Exception {
        byte[] data = randomBytes(100_000, 4);
        try (TlsDriver driver = new TlsDriver()) {
            Pair p = pair(driver, serverConfig(protocol), clientConfig(), "localhost");
            // One 7-byte read per readiness: the rest must be announced by hasBufferedReads().
            p.server().readBufferSize = 7;
            p.server().readsPerStep = 1;
            p.client().send(data).shutdownWhenDrained();
            driver.runUntil("all data", () -> p.server().endOfStream);
            assertThat(p.server().bytes()).isEqualTo(data);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void recordsSplitAtEveryPlaceAreReassembled(String protocol) throws Exception {
        byte[] fromClient = randomBytes(24_000, 5);
        byte[] fromServer = randomBytes(24_000, 6);
        try (TlsDriver driver = new TlsDriver()) {
            SocketChannel[] clientSide = driver.connectedPair();
            SocketChannel[] serverSide = driver.connectedPair();
            driver.relay(clientSide[1], serverSide[0], 13, 7);
            Pair p = pair(
                    driver,
                    new SocketChannel[] {clientSide[0], serverSide[1]},
                    serverConfig(protocol),
                    clientConfig(),
                    "localhost");
            p.client().send(fromClient).shutdownWhenDrained();
            p.server().send(fromServer).shutdownWhenDrained();
            driver.runUntil("both streams", () -> p.client().endOfStream && p.server().endOfStream);
            assertThat(p.server().bytes()).isEqualTo(fromClient);
            assertThat(p.client().bytes()).isEqualTo(fromServer);
            assertThat(((TlsTransport) p.server().transport).ownedBufferCapacity())
                    .isZero();
            assertThat(((TlsTransport) p.client().transport).ownedBufferCapacity())
                    .isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void socketFullKeepsRecordsAndAppliesBackpressure(String protocol) throws Exception {
        byte[] data = randomBytes(8 * MIB, 8);
        try (TlsDriver driver = new TlsDriver()) {
            Pair p = pair(driver, driver.connectedPair(64 * 1024), serverConfig(protocol), clientConfig(), "localhost");
            p.server().reading = false;
            p.client().send(data);
            driver.runUntil("client stalled", () -> p.client().transport.hasPendingWrites());

            TlsTransport client = (TlsTransport) p.client().transport;
            assertThat(p.client().consumed).isLessThan(data.length);
            // While records wait for the socket, no new bytes are taken.
            assertThat(client.flush()).isFalse();
            ByteBuffer more = ByteBuffer.wrap(new byte[100]);
            assertThat(client.write(new ByteBuffer[] {more}, 0, 1)).isZero();
            assertThat(more.position()).isZero();
            // What waits is bounded by one write batch of records.
            int packet = client.session().getPacketBufferSize();
            assertThat(client.ownedBufferCapacity())
                    .isPositive()
                    .isLessThanOrEqualTo(TlsScratch.WRITE_BATCH_RECORDS * packet);

            p.server().startReading();
            p.client().shutdownWhenDrained();
            driver.runUntil("all data", () -> p.server().endOfStream);
            assertThat(p.server().bytes()).isEqualTo(data);
            assertThat(client.hasPendingWrites()).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void closeNotifyEndsTheStreamEachWay(String protocol) throws Exception {
        try (TlsDriver driver = new TlsDriver()) {
            Pair p = pair(driver, serverConfig(protocol), clientConfig(), "localhost");
            p.client().send("bye".getBytes(StandardCharsets.UTF_8)).shutdownWhenDrained();
            driver.runUntil("server end of stream", () -> p.server().endOfStream);
            assertThat(p.server().bytes()).asString(StandardCharsets.UTF_8).isEqualTo("bye");
            // -1 again on later reads; nothing buffered.
            assertThat(p.server().transport.read(ByteBuffer.allocate(10))).isEqualTo(-1);
            assertThat(p.server().transport.hasBufferedReads()).isFalse();

            p.server().shutdownWhenDrained();
            driver.runUntil("client end of stream", () -> p.client().endOfStream);
            assertThatThrownBy(() -> p.client().transport.write(new ByteBuffer[] {ByteBuffer.allocate(1)}, 0, 1))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void tls13AllowsHalfCloseReplyAfterCloseNotify() throws Exception {
        try (TlsDriver driver = new TlsDriver()) {
            Pair p = pair(driver, serverConfig("TLSv1.3"), clientConfig(), "localhost");
            p.client().shutdownWhenDrained();
            driver.runUntil("server end of stream", () -> p.server().endOfStream);
            p.server().send("late".getBytes(StandardCharsets.UTF_8)).shutdownWhenDrained();
            driver.runUntil("client end of stream", () -> p.client().endOfStream);
            assertThat(p.client().bytes()).asString(StandardCharsets.UTF_8).isEqualTo("late");
        }
    }

    @Test
    void endOfStreamWithoutCloseNotifyReadsAsMinusOne() throws Exception {
        try (TlsDriver driver = new TlsDriver()) {
            Pair p = pair(driver, serverConfig("TLSv1.3"), clientConfig(), "localhost");
            p.client().send("x".getBytes(StandardCharsets.UTF_8));
            driver.runUntil("data", () -> p.server().received.size() == 1);
            p.client().transport.channel().shutdownOutput(); // TCP FIN, no close_notify
            driver.runUntil("server end of stream", () -> p.server().endOfStream);
            assertThat(p.server().failure).isNull();
        }
    }

    /**
     * TLS 1.3: the client is done after sending Finished and may send at once; the server reads
     * Finished and the first application record in one go and must keep the latter.
     */
    @Test
    void applicationDataArrivingWithTheFinalFlightIsKept() throws Exception {
        try (TlsDriver driver = new TlsDriver();
                Selector selector = Selector.open()) {
            SocketChannel[] channels = driver.connectedPair();
            TlsTransport client = TlsTransport.client(channels[0], clientConfig(), "localhost", 443);
            TlsTransport server = TlsTransport.server(channels[1], serverConfig("TLSv1.3"));
            channels[0].register(selector, SelectionKey.OP_READ, client);
            channels[1].register(selector, SelectionKey.OP_READ, server);

            assertThat(client.handshake()).isEqualTo(Transport.HandshakeStatus.NEED_READ); // ClientHello out
            awaitHandshakeStep(selector, server, Transport.HandshakeStatus.NEED_READ); // server flight out
            awaitHandshakeStep(selector, client, Transport.HandshakeStatus.DONE); // Finished out
            byte[] early = "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            assertThat(client.write(new ByteBuffer[] {ByteBuffer.wrap(early)}, 0, 1))
                    .isEqualTo(early.length);

            awaitHandshakeStep(selector, server, Transport.HandshakeStatus.DONE);
            assertThat(server.hasBufferedReads()).isTrue();
            ByteBuffer dst = ByteBuffer.allocate(100);
            assertThat(server.read(dst)).isEqualTo(early.length);
            assertThat(dst.flip()).isEqualTo(ByteBuffer.wrap(early));
            client.close();
            server.close();
        }
    }

    private static void awaitHandshakeStep(Selector selector, Transport transport, Transport.HandshakeStatus expected)
            throws IOException {
        long deadline = System.nanoTime() + TlsDriver.TIMEOUT.toNanos();
        Transport.HandshakeStatus status;
        while ((status = transport.handshake()) != expected) {
            assertThat(System.nanoTime()).as("waiting for " + expected).isLessThan(deadline);
            SelectionKey key = transport.channel().keyFor(selector);
            key.interestOps(
                    status == Transport.HandshakeStatus.NEED_WRITE ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            // Wait for this channel only; the other end's readiness is consumed later.
            selector.select(100);
            selector.selectedKeys().clear();
        }
    }

    @Test
    void readAndWriteBeforeTheHandshakeAreRefused() throws Exception {
        try (TlsDriver driver = new TlsDriver()) {
            SocketChannel[] channels = driver.connectedPair();
            TlsTransport client = TlsTransport.client(channels[0], clientConfig(), "localhost", 443);
            assertThat(client.tlsProtocol()).isNull();
            assertThat(client.applicationProtocol()).isNull();
            assertThat(client.hasBufferedReads()).isFalse();
            assertThat(client.hasPendingWrites()).isFalse();
            assertThatThrownBy(() -> client.read(ByteBuffer.allocate(1))).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> client.write(new ByteBuffer[] {ByteBuffer.allocate(1)}, 0, 1))
                    .isInstanceOf(IllegalStateException.class);
            client.close();
            client.close(); // idempotent
            assertThat(channels[0].isOpen()).isFalse();
        }
    }

    @Test
    void writeAfterShutdownOutputFails() throws Exception {
        try (TlsDriver driver = new TlsDriver()) {
            Pair p = pair(driver, serverConfig("TLSv1.3"), clientConfig(), "localhost");
            driver.handshake(p.client(), p.server());
            p.client().transport.shutdownOutput();
            p.client().transport.shutdownOutput(); // idempotent
            assertThatThrownBy(() -> p.client().transport.write(new ByteBuffer[] {ByteBuffer.allocate(1)}, 0, 1))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("shut down");
            driver.runUntil("server end of stream", () -> p.server().endOfStream);
        }
    }

    @Test
    void emptyWriteConsumesNothing() throws Exception {
        try (TlsDriver driver = new TlsDriver()) {
            Pair p = pair(driver, serverConfig("TLSv1.3"), clientConfig(), "localhost");
            driver.handshake(p.client(), p.server());
            ByteBuffer[] none = {ByteBuffer.allocate(0), ByteBuffer.allocate(0)};
            assertThat(p.client().transport.write(none, 0, 2)).isZero();
            assertThat(p.client().transport.hasPendingWrites()).isFalse();
        }
    }
}
