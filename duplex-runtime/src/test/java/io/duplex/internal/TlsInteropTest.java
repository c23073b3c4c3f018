package io.duplex.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.TlsConfig;
import io.duplex.internal.TlsDriver.Peer;
import io.duplex.testing.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TlsTransport} against an implementation we did not write: the JDK's blocking {@link
 * SSLSocket} / {@link SSLServerSocket} on a second thread.
 */
class TlsInteropTest {
    private static final int TIMEOUT_MS = (int) TlsDriver.TIMEOUT.toMillis();

    private ExecutorService jdkSide;

    @BeforeEach
    void startThread() {
        jdkSide = Executors.newSingleThreadExecutor(r -> new Thread(r, "jdk-ssl-peer"));
    }

    @AfterEach
    void stopThread() throws InterruptedException {
        jdkSide.shutdownNow();
        assertThat(jdkSide.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    static Stream<Arguments> protocolsAndSizes() {
        List<Arguments> arguments = new ArrayList<>();
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
            for (int size : new int[] {0, 1, 16 * 1024 + 1, TlsTransportTest.MIB}) {
                arguments.add(Arguments.of(protocol, size));
            }
        }
        return arguments.stream();
    }

    /** The JDK client writes, reads the echo back, and closes (close_notify). */
    @ParameterizedTest(name = "{0}, {1} bytes")
    @MethodSource("protocolsAndSizes")
    void jdkClientAgainstOurServer(String protocol, int size) throws Exception {
        runJdkClient(protocol, size, false);
    }

    /** TLS 1.3: KeyUpdate(update_requested) must be answered; TLS 1.2: a renegotiation. */
    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void jdkClientRekeyingMidStreamIsHandled(String protocol) throws Exception {
        runJdkClient(protocol, 200_000, true);
    }

    private void runJdkClient(String protocol, int size, boolean rekey) throws Exception {
        byte[] data = TlsTransportTest.randomBytes(size, 11);
        try (TlsDriver driver = new TlsDriver()) {
            TlsConfig config = TlsTransportTest.serverConfig(protocol);
            try (ServerSocketChannel listener = ServerSocketChannel.open()) {
                listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
                CompletableFuture<ClientResult> client =
                        CompletableFuture.supplyAsync(() -> jdkClient(port, data, rekey), jdkSide);
                SocketChannel accepted = listener.accept();
                accepted.configureBlocking(false);
                Peer server = driver.peer(TlsTransport.server(accepted, config));
                server.echo = true;
                driver.runUntil(
                        "client done and server end of stream",
                        () -> client.isDone() && server.endOfStream || server.failure != null);
                assertThat(server.failure).isNull();
                ClientResult result = client.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                assertThat(result.echo).isEqualTo(data);
                assertThat(result.protocol).isEqualTo(protocol);
                assertThat(result.applicationProtocol).isEqualTo("http/1.1");
                assertThat(server.bytes()).isEqualTo(rekey ? withSync(data) : data);
                assertThat(server.transport.tlsProtocol()).isEqualTo(protocol);
                assertThat(((TlsTransport) server.transport).sniHostName()).isEqualTo("localhost");
            }
        }
    }

    private static final byte SYNC = 42;

    /**
     * One byte there and back after a rekeying. TLS 1.2 renegotiation runs alongside the data, and
     * the JDK fails a close_notify that arrives before it is over; the echo of a byte sent after
     * our side's Finished comes after the peer's Finished.
     */
    private static void syncRoundTrip(OutputStream out, InputStream in) throws IOException {
        out.write(SYNC);
        out.flush();
        assertThat(in.read()).isEqualTo(SYNC);
    }

    private static byte[] withSync(byte[] data) {
        byte[] bytes = Arrays.copyOf(data, data.length + 1);
        bytes[data.length] = SYNC;
        return bytes;
    }

    record ClientResult(byte[] echo, String protocol, String applicationProtocol) {}

    private static ClientResult jdkClient(int port, byte[] data, boolean rekey) {
        try (Socket tcp = new Socket(InetAddress.getLoopbackAddress(), port);
                SSLSocket socket = (SSLSocket) TestCertificates.clientContext()
                        .getSocketFactory()
                        .createSocket(tcp, "localhost", port, true)) {
            socket.setSoTimeout(TIMEOUT_MS);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            parameters.setServerNames(List.of(new SNIHostName("localhost")));
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            // Our server echoes and buffers, so writing everything before reading cannot deadlock.
            int half = data.length / 2;
            out.write(data, 0, half);
            if (rekey) {
                socket.startHandshake(); // TLS 1.3: KeyUpdate(update_requested); 1.2: renegotiation
            }
            out.write(data, half, data.length - half);
            out.flush();
            byte[] echo = in.readNBytes(data.length);
            if (rekey) {
                syncRoundTrip(out, in);
            }
            return new ClientResult(echo, socket.getSession().getProtocol(), socket.getApplicationProtocol());
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    /** Our client writes, reads the JDK server's echo, sends close_notify and sees the server's. */
    @ParameterizedTest(name = "{0}, {1} bytes")
    @MethodSource("protocolsAndSizes")
    void ourClientAgainstJdkServer(String protocol, int size) throws Exception {
        runJdkServer(protocol, size, false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void jdkServerRekeyingMidStreamIsHandled(String protocol) throws Exception {
        runJdkServer(protocol, 200_000, true);
    }

    private void runJdkServer(String protocol, int size, boolean rekey) throws Exception {
        byte[] data = TlsTransportTest.randomBytes(size, 12);
        SSLServerSocket listener = (SSLServerSocket) TestCertificates.localhost()
                .serverContext()
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
        try (listener;
                TlsDriver driver = new TlsDriver()) {
            listener.setEnabledProtocols(new String[] {protocol});
            listener.setSoTimeout(TIMEOUT_MS);
            AtomicInteger handshakes = new AtomicInteger();
            CompletableFuture<byte[]> server =
                    CompletableFuture.supplyAsync(() -> jdkEchoServer(listener, rekey, handshakes), jdkSide);
            SocketChannel channel = SocketChannel.open(listener.getLocalSocketAddress());
            channel.configureBlocking(false);
            TlsConfig config = TlsConfig.client()
                    .trustCertificates(TestCertificates.localhost().certificate());
            Peer client = driver.peer(TlsTransport.client(channel, config, "localhost", listener.getLocalPort()));
            client.send(data);
            driver.runUntil("echo", () -> client.received.size() == data.length || client.failure != null);
            if (rekey) {
                if (protocol.equals("TLSv1.2")) {
                    driver.runUntil("renegotiation", () -> handshakes.get() == 2 || client.failure != null);
                }
                client.send(new byte[] {SYNC});
                driver.runUntil("sync", () -> client.received.size() == data.length + 1 || client.failure != null);
            }
            assertThat(client.failure).isNull();
            client.shutdownWhenDrained();
            driver.runUntil("server close_notify", () -> client.endOfStream || client.failure != null);

            assertThat(client.failure).isNull();
            byte[] expected = rekey ? withSync(data) : data;
            assertThat(client.bytes()).isEqualTo(expected);
            assertThat(server.get(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isEqualTo(expected);
            assertThat(client.transport.tlsProtocol()).isEqualTo(protocol);
            // The JDK server has no ALPN configured: the connection goes on without it.
            assertThat(((TlsTransport) client.transport).applicationProtocol()).isEmpty();
        }
    }

    /** Echoes until our close_notify (read -1), then closes, which sends its own close_notify. */
    private static byte[] jdkEchoServer(SSLServerSocket listener, boolean rekey, AtomicInteger handshakes) {
        try (SSLSocket socket = (SSLSocket) listener.accept()) {
            socket.addHandshakeCompletedListener(event -> handshakes.incrementAndGet());
            socket.setSoTimeout(TIMEOUT_MS);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            boolean updated = false;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                received.write(buffer, 0, n);
                out.write(buffer, 0, n);
                if (rekey && !updated && received.size() > 50_000) {
                    updated = true;
                    socket.startHandshake(); // TLS 1.3: KeyUpdate(update_requested); 1.2: HelloRequest
                }
            }
            return received.toByteArray();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }
}
