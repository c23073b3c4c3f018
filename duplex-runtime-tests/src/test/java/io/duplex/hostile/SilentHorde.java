package io.duplex.hostile;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * Run in a child JVM (its own file-descriptor limit): opens {@code count} connections to a server
 * with a small NIO client, completes each opening handshake, then stays silent — it never writes
 * again and never answers a Close. Prints {@code READY <upgraded> <failed> <millis>} once every
 * handshake ended (millis: from the first connect to the last handshake), then {@code CLOSED <closed>} once the server has closed every connection, and exits. It
 * exits as well when its standard input ends (the test is gone) or after {@code 120 s}.
 *
 * <p>Threading: one thread, plus a daemon watching standard input.
 */
final class SilentHorde {
    private static final int MAX_PENDING = 256;

    /** Per connection: how much of {@code \r\n\r\n} was matched, and whether it was a 101. */
    private static final class State {
        int matched;
        int read;
        boolean switching = true;
        boolean upgraded;
    }

    private SilentHorde() {}

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        Thread watcher = new Thread(() -> {
            try {
                InputStream in = System.in;
                while (in.read() >= 0) {
                    // wait for the end
                }
            } catch (IOException e) {
                // the parent is gone
            }
            System.exit(3);
        });
        watcher.setDaemon(true);
        watcher.start();

        byte[] request = ("GET /echo HTTP/1.1\r\nHost: 127.0.0.1:" + port
                        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] expect = "HTTP/1.1 101".getBytes(StandardCharsets.US_ASCII);
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        Selector selector = Selector.open();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        int opened = 0;
        int pending = 0;
        int upgraded = 0;
        int failed = 0;
        int closed = 0;
        boolean ready = false;
        long start = System.nanoTime();
        while (System.nanoTime() < deadline) {
            while (opened < count && pending < MAX_PENDING) {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                opened++;
                pending++;
                if (ch.connect(address)) {
                    ch.write(ByteBuffer.wrap(request));
                    ch.register(selector, SelectionKey.OP_READ, new State());
                } else {
                    ch.register(selector, SelectionKey.OP_CONNECT, new State());
                }
            }
            if (!ready && upgraded + failed == count) {
                ready = true;
                System.out.println("READY " + upgraded + " " + failed + " " + (System.nanoTime() - start) / 1_000_000);
                System.out.flush();
            }
            if (ready && closed + failed == count) {
                System.out.println("CLOSED " + closed);
                System.out.flush();
                System.exit(0);
            }
            selector.select(100);
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey key = it.next();
                it.remove();
                SocketChannel ch = (SocketChannel) key.channel();
                State s = (State) key.attachment();
                try {
                    if (key.isConnectable()) {
                        ch.finishConnect();
                        ch.write(ByteBuffer.wrap(request));
                        key.interestOps(SelectionKey.OP_READ);
                        continue;
                    }
                    buf.clear();
                    int n = ch.read(buf);
                    if (n < 0) {
                        throw new IOException("closed by the server");
                    }
                    for (int i = 0; i < n && !s.upgraded; i++) {
                        byte b = buf.get(i);
                        if (s.read < expect.length && b != expect[s.read]) {
                            s.switching = false;
                        }
                        s.read++;
                        s.matched = b == "\r\n\r\n".charAt(s.matched) ? s.matched + 1 : b == '\r' ? 1 : 0;
                        if (s.matched == 4) {
                            s.upgraded = true;
                            pending--;
                            if (s.switching) {
                                upgraded++;
                            } else {
                                failed++;
                            }
                        }
                    }
                    // After the head: silence. Whatever the server says (a Close) is ignored.
                } catch (IOException e) {
                    key.cancel();
                    ch.close();
                    if (s.upgraded && s.switching) {
                        closed++;
                    } else if (!s.upgraded) {
                        pending--;
                        failed++;
                    }
                }
            }
        }
        System.out.println(
                "TIMEOUT opened " + opened + " upgraded " + upgraded + " failed " + failed + " closed " + closed);
        System.out.flush();
        System.exit(2);
    }
}
