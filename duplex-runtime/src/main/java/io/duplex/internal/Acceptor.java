package io.duplex.internal;

import io.duplex.handshake.HttpHeadParser;
import io.duplex.handshake.ServerHandshake;
import io.duplex.protocol.ProtocolConfig;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A server's listening socket and accept loop: binds, accepts on one event loop, admits each
 * connection against the {@link ConnectionLimits} (or refuses it with 503 and Retry-After), and
 * registers the admitted ones — transport, {@link ServerUpgrade}, {@link Connection} — on the next
 * loop of the group, tracked in a {@link ConnectionSet}.
 *
 * <p>Threading: the constructor and {@link #stopAccepting} may be called from any thread but the
 * accept loop (they wait for it); the rest from any thread; accepting and registering run on the loops.
 */
public final class Acceptor implements ClientAddress.Owner {
    private static final System.Logger LOG = System.getLogger(Acceptor.class.getName());
    /** Accepts per readiness, so one busy listener does not starve the loop's connections. */
    private static final int ACCEPTS_PER_PASS = 64;

    private final ServerSettings settings;
    private final ProtocolConfig engineConfig;
    private final EventLoopGroup loops;
    private final ConnectionSet connections;
    private final ConnectionLimits limits;
    private final HandshakeGate gate;
    /** One handshake per loop: its extension factories (and their codec pools) belong to that loop. */
    private final Map<EventLoop, ServerHandshake> handshakes = new IdentityHashMap<>();

    private final ServerSocketChannel serverChannel;
    private final EventLoop acceptLoop;
    private volatile boolean stopping;
    /** Why new connections are refused once {@link #stopping}: the 503's body. */
    private volatile String refusal = "server stopping";

    /**
     * Binds to {@code settings.host():settings.port()} and starts accepting.
     *
     * @throws IOException if the address cannot be bound (the channel is closed again)
     */
    public Acceptor(
            ServerSettings settings,
            ProtocolConfig engineConfig,
            EventLoopGroup loops,
            ConnectionSet connections,
            ConnectionLimits limits,
            HandshakeGate gate)
            throws IOException {
        this.gate = gate;
        this.settings = settings;
        this.engineConfig = engineConfig;
        this.loops = loops;
        this.connections = connections;
        this.limits = limits;
        for (EventLoop loop : loops.loops()) {
            handshakes.put(
                    loop,
                    ServerHandshake.builder()
                            .subprotocols(settings.config().subprotocols())
                            .extensions(LoopExtensions.forLoop(settings.config().extensions()))
                            .originPolicy(settings.config().originPolicy())
                            .secure(settings.tls() != null)
                            .build());
        }
        this.serverChannel = ServerSocketChannel.open();
        try {
            serverChannel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            serverChannel.bind(new InetSocketAddress(settings.host(), settings.port()), settings.backlog());
            serverChannel.configureBlocking(false);
        } catch (IOException e) {
            serverChannel.close();
            throw e;
        }
        this.acceptLoop = loops.next();
        CountDownLatch registered = new CountDownLatch(1);
        acceptLoop.execute(() -> {
            try {
                acceptLoop.register(serverChannel, SelectionKey.OP_ACCEPT, this::onAcceptable);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                registered.countDown();
            }
        });
        try {
            registered.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The bound address (its port is the real one when the settings asked for port 0). */
    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) serverChannel.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Refuses (503) every connection accepted or not yet registered from now on. */
    public void refuseNew() {
        stopping = true;
    }

    /** {@link #refuseNew()}, the 503 saying {@code reason} (e.g. a drain). */
    public void refuseNew(String reason) {
        refusal = reason;
        stopping = true;
    }

    /**
     * Refuses every connection from now on (503), and closes the listening socket on the accept
     * loop, waiting for that until {@code deadlineNanos} ({@link System#nanoTime()}).
     */
    public void stopAccepting(long deadlineNanos) {
        refuseNew();
        CountDownLatch closed = new CountDownLatch(1);
        acceptLoop.execute(() -> {
            closeQuietly(serverChannel);
            closed.countDown();
        });
        try {
            closed.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void onAcceptable(SelectionKey key) {
        for (int i = 0; i < ACCEPTS_PER_PASS; i++) {
            SocketChannel ch;
            try {
                ch = serverChannel.accept();
            } catch (IOException e) {
                // EMFILE and the like: log and try again on the next readiness.
                LOG.log(Level.WARNING, "accept failed: {0}", e.toString());
                return;
            }
            if (ch == null) {
                return;
            }
            accepted(ch);
        }
    }

    private void accepted(SocketChannel ch) {
        ClientAddress client;
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            client = new ClientAddress((InetSocketAddress) ch.getRemoteAddress(), this);
        } catch (IOException e) {
            closeQuietly(ch);
            return;
        }
        if (stopping) {
            refuse(ch, refusal);
            return;
        }
        // A trusted proxy's connection is counted under its client's address once that is known
        // (HandshakeGate, at the upgrade request); any other under the socket's peer, now.
        InetAddress peer = client.socketPeer().getAddress();
        if (!limits.admit(client, gate.isTrustedPeer(peer) ? null : peer)) {
            refuse(ch, "too many connections");
            return;
        }
        EventLoop loop = loops.next();
        loop.execute(() -> register(loop, ch, client));
    }

    /**
     * Over a limit: 503 with Retry-After (RFC 7231 §6.6.4, §7.1.3), written on a fresh socket whose
     * send buffer is empty, so one non-blocking write takes it all.
     */
    private void refuse(SocketChannel ch, String reason) {
        if (settings.metrics() != null) {
            settings.metrics().handshake(null, 503);
        }
        byte[] body = (reason + "\n").getBytes(StandardCharsets.US_ASCII);
        String head = "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: text/plain\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        try {
            ByteBuffer out = ByteBuffer.allocate(head.length() + body.length);
            out.put(head.getBytes(StandardCharsets.US_ASCII)).put(body).flip();
            ch.write(out);
        } catch (IOException e) {
            // best effort
        }
        closeQuietly(ch);
    }

    private void register(EventLoop loop, SocketChannel ch, ClientAddress client) {
        if (stopping) {
            // Accepted just before the stop looked at the connections: it would miss the 1001.
            limits.release(client);
            refuse(ch, refusal);
            return;
        }
        Connection c = null;
        try {
            Transport transport = settings.tls() != null
                    ? TlsTransport.server(ch, settings.tls().newEngine(null, 0, false))
                    : new PlainTransport(ch);
            if (gate.trusted().sendsProxyProtocol(client.socketPeer().getAddress())) {
                transport = new ProxyProtocolTransport(transport, client);
            }
            ServerUpgrade upgrade = new ServerUpgrade(
                    new HttpHeadParser(settings.config().headLimits(), HttpHeadParser.Kind.REQUEST),
                    handshakes.get(loop),
                    settings::route,
                    settings.staticFiles(),
                    settings.handlerExecutor(),
                    settings.broker(),
                    settings.http(),
                    settings.config().headLimits(),
                    settings.metrics(),
                    gate,
                    client);
            c = new Connection(loop, settings.config(), engineConfig, transport, upgrade, client);
            connections.add(c);
            c.register(true, settings.config().handshakeTimeout().toNanos());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "could not register a connection: {0}", e.toString());
            if (c != null) {
                c.destroy(); // closes the socket; its listener releases the counts and the set's
            } else {
                closeQuietly(ch);
                limits.release(client);
            }
        }
    }

    @Override
    public ConnectionSet connections() {
        return connections;
    }

    /** A connection is gone: released before removal, so whoever sees the set drained sees the counts drained too. */
    @Override
    public void released(ClientAddress client, Connection gone) {
        limits.release(client);
        connections.remove(gone);
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing useful to do
        }
    }
}
