package io.duplex.testkit;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small real SOCKS5 proxy for tests (RFC 1928), CONNECT only, with no authentication or
 * username/password (RFC 1929): negotiates, connects to the requested address (IPv4, IPv6 or a
 * domain name it resolves itself), answers, then pipes bytes both ways on two threads. It listens
 * on the loopback address and an ephemeral {@link #port()}, records every requested target as
 * {@code host:port} in {@link #targets} and counts tunnels in {@link #tunnels}.
 *
 * <p>Threading: the proxy runs on its own threads; the public fields are safe to read from the
 * test thread.
 */
public final class Socks5Proxy implements AutoCloseable {
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final String user;
    private final String password;
    /** How many tunnels were established (reply 00 sent). */
    public final AtomicInteger tunnels = new AtomicInteger();
    /** Every CONNECT target, as {@code host:port} (a domain name as sent, or an address). */
    public final List<String> targets = new CopyOnWriteArrayList<>();
    /**
     * Names this proxy resolves itself, like a proxy with its own DNS: a target named here is
     * connected to the mapped address (e.g. {@code "ws.test" -> "127.0.0.1"}).
     */
    public final java.util.Map<String, String> hosts = new java.util.concurrent.ConcurrentHashMap<>();
    /** How many clients failed authentication. */
    public final AtomicInteger refused = new AtomicInteger();

    /** A proxy that demands no credentials. */
    public Socks5Proxy() throws IOException {
        this(null, null);
    }

    /**
     * @param user the user name to demand (RFC 1929), or null for no authentication
     * @param password its password
     */
    public Socks5Proxy(String user, String password) throws IOException {
        this.user = user;
        this.password = password;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                threads.execute(() -> handle(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handle(Socket client) {
        try (client) {
            DataInputStream in = new DataInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            // RFC 1928 §3: VER NMETHODS METHODS
            if (in.readUnsignedByte() != 5) {
                return;
            }
            byte[] methods = in.readNBytes(in.readUnsignedByte());
            int wanted = user == null ? 0x00 : 0x02;
            boolean offered = false;
            for (byte m : methods) {
                offered |= m == wanted;
            }
            if (!offered) {
                // Counted before the answer: a client that reads it may look at the count at once.
                refused.incrementAndGet();
                out.write(new byte[] {5, (byte) 0xFF});
                return;
            }
            out.write(new byte[] {5, (byte) wanted});
            if (user != null) {
                // RFC 1929 §2: VER(1) ULEN UNAME PLEN PASSWD
                if (in.readUnsignedByte() != 1) {
                    return;
                }
                String u = new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.UTF_8);
                String p = new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.UTF_8);
                boolean ok = u.equals(user) && p.equals(password);
                if (!ok) {
                    refused.incrementAndGet(); // before the answer, as above
                }
                out.write(new byte[] {1, (byte) (ok ? 0 : 1)});
                if (!ok) {
                    return;
                }
            }
            // RFC 1928 §4: VER CMD RSV ATYP DST.ADDR DST.PORT
            if (in.readUnsignedByte() != 5 || in.readUnsignedByte() != 1) {
                out.write(new byte[] {5, 7, 0, 1, 0, 0, 0, 0, 0, 0}); // command not supported
                return;
            }
            in.readUnsignedByte();
            int atyp = in.readUnsignedByte();
            String host =
                    switch (atyp) {
                        case 1 -> InetAddress.getByAddress(in.readNBytes(4)).getHostAddress();
                        case 4 -> InetAddress.getByAddress(in.readNBytes(16)).getHostAddress();
                        case 3 -> new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.US_ASCII);
                        default -> null;
                    };
            int port = in.readUnsignedShort();
            if (host == null) {
                out.write(new byte[] {5, 8, 0, 1, 0, 0, 0, 0, 0, 0}); // address type not supported
                return;
            }
            targets.add(host + ":" + port);
            // Direct, whatever the JVM's ProxySelector says (a test may point it at this proxy).
            Socket upstream = new Socket(java.net.Proxy.NO_PROXY);
            try {
                upstream.connect(new java.net.InetSocketAddress(hosts.getOrDefault(host, host), port));
            } catch (IOException e) {
                upstream.close();
                out.write(new byte[] {5, 5, 0, 1, 0, 0, 0, 0, 0, 0}); // connection refused
                return;
            }
            try (upstream) {
                // Bound address as a domain name, to exercise the variable-length reply.
                byte[] bound = "proxy.test".getBytes(StandardCharsets.US_ASCII);
                out.write(new byte[] {5, 0, 0, 3, (byte) bound.length});
                out.write(bound);
                out.write(new byte[] {(byte) (port >>> 8), (byte) port});
                out.flush();
                tunnels.incrementAndGet();
                threads.execute(() -> pipe(upstream, client));
                pipe(client, upstream);
            }
        } catch (IOException e) {
            // the test sees the outcome on the client
        }
    }

    private static void pipe(Socket from, Socket to) {
        byte[] buf = new byte[16384];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // one side closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
