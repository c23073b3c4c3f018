package io.duplex.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The PROXY protocol transport over a real socket pair, the header arriving in pieces: it waits
 * for the rest, takes the source address, and never reads a byte past the header.
 */
class ProxyProtocolTransportTest {
    ServerSocketChannel listener;
    Socket client;
    OutputStream out;
    SocketChannel server;

    @BeforeEach
    void connect() throws IOException {
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client = new Socket(InetAddress.getLoopbackAddress(), listener.socket().getLocalPort());
        client.setTcpNoDelay(true);
        out = client.getOutputStream();
        server = listener.accept();
        server.configureBlocking(false);
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        server.close();
        listener.close();
    }

    /** Calls handshake until it is DONE (bounded: 10 s), failing on an exception. */
    static void handshakeUntilDone(Transport t) throws IOException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (t.handshake() != Transport.HandshakeStatus.DONE) {
            assertThat(System.nanoTime() - deadline)
                    .as("handshake done in time")
                    .isNegative();
            LockSupport.parkNanos(1_000_000);
        }
    }

    String readRest(Transport t, int expected) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1024);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (buf.position() < expected && System.nanoTime() - deadline < 0) {
            t.read(buf);
        }
        return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
    }

    @Test
    void v1InPiecesThenTheRequestUntouched() throws IOException {
        ClientAddress address = new ClientAddress((InetSocketAddress) server.getRemoteAddress(), (client, gone) -> {});
        Transport t = new ProxyProtocolTransport(new PlainTransport(server), address);
        out.write("PROXY TCP4 192.0.2.1".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // Not all there: it asks for more, whatever the read returned.
        for (int i = 0; i < 20; i++) {
            assertThat(t.handshake()).isEqualTo(Transport.HandshakeStatus.NEED_READ);
        }
        String request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        out.write((" 192.0.2.2 56324 443\r\n" + request).getBytes(StandardCharsets.US_ASCII));
        out.flush();
        handshakeUntilDone(t);
        assertThat(address.connectedFrom()).isEqualTo(new InetSocketAddress("192.0.2.1", 56324));
        assertThat(readRest(t, request.length())).isEqualTo(request);
    }

    @Test
    void v2WithTlvsInPiecesThenTheRequestUntouched() throws IOException {
        ClientAddress address = new ClientAddress((InetSocketAddress) server.getRemoteAddress(), (client, gone) -> {});
        Transport t = new ProxyProtocolTransport(new PlainTransport(server), address);
        ByteBuffer header = ByteBuffer.allocate(16 + 12 + 7);
        header.put(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
        header.put((byte) 0x21).put((byte) 0x11).putShort((short) 19);
        header.put(new byte[] {(byte) 198, 51, 100, 7}).put(new byte[] {(byte) 198, 51, 100, 8});
        header.putShort((short) 40000).putShort((short) 443);
        header.put((byte) 0x04).putShort((short) 4).put(new byte[4]); // a NOOP TLV, skipped
        byte[] bytes = header.array();
        out.write(bytes, 0, 14);
        out.flush();
        for (int i = 0; i < 20; i++) {
            assertThat(t.handshake()).isEqualTo(Transport.HandshakeStatus.NEED_READ);
        }
        String request = "GET / HTTP/1.1\r\n\r\n";
        out.write(bytes, 14, bytes.length - 14);
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        handshakeUntilDone(t);
        assertThat(address.connectedFrom()).isEqualTo(new InetSocketAddress("198.51.100.7", 40000));
        assertThat(readRest(t, request.length())).isEqualTo(request);
    }

    @Test
    void endOfStreamInsideTheHeaderIsMalformed() throws IOException {
        Transport t = new ProxyProtocolTransport(
                new PlainTransport(server),
                new ClientAddress((InetSocketAddress) server.getRemoteAddress(), (client, gone) -> {}));
        out.write("PROXY TCP4".getBytes(StandardCharsets.US_ASCII));
        client.shutdownOutput();
        assertThatThrownBy(() -> handshakeUntilDone(t)).isInstanceOf(ProxyProtocolTransport.Malformed.class);
    }
}
