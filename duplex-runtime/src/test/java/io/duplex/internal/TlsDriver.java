package io.duplex.internal;

import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * Test helper: real TCP connections on 127.0.0.1 and a one-thread selector loop that drives {@link
 * Transport}s the way a connection does — a peer is stepped only when its key is ready, when the
 * test gave it work, or when {@link Transport#hasBufferedReads()} says so. A transport that hides
 * buffered bytes or forgets pending writes therefore makes a test time out instead of passing.
 *
 * <p>Threading: confined to the test thread.
 */
public final class TlsDriver implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final Selector selector;
    private final List<Peer> peers = new ArrayList<>();
    private final List<Relay> relays = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();

    public TlsDriver() throws IOException {
        selector = Selector.open();
        resources.add(selector);
    }

    /** A connected TCP pair on 127.0.0.1, both ends non-blocking: {@code [client, server]}. */
    public SocketChannel[] connectedPair() throws IOException {
        return connectedPair(0);
    }

    /** Like {@link #connectedPair()} with both ends' socket buffers set to {@code bufferSize}. */
    public SocketChannel[] connectedPair(int bufferSize) throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            if (bufferSize > 0) {
                listener.setOption(StandardSocketOptions.SO_RCVBUF, bufferSize);
            }
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel client = SocketChannel.open();
            resources.add(client);
            if (bufferSize > 0) {
                client.setOption(StandardSocketOptions.SO_SNDBUF, bufferSize);
                client.setOption(StandardSocketOptions.SO_RCVBUF, bufferSize);
            }
            client.connect(listener.getLocalAddress());
            SocketChannel server = listener.accept();
            resources.add(server);
            if (bufferSize > 0) {
                server.setOption(StandardSocketOptions.SO_SNDBUF, bufferSize);
            }
            client.configureBlocking(false);
            server.configureBlocking(false);
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            server.setOption(StandardSocketOptions.TCP_NODELAY, true);
            return new SocketChannel[] {client, server};
        }
    }

    /** A peer driven by this loop. */
    public Peer peer(Transport transport) throws IOException {
        Peer peer = new Peer(transport, transport.channel().register(selector, SelectionKey.OP_READ));
        peer.key.attach(peer);
        peers.add(peer);
        resources.add(transport::close);
        return peer;
    }

    /**
     * Copies bytes between two sockets in chunks of 1 to {@code maxChunk} bytes, so TLS records
     * arrive split at every possible place.
     */
    public void relay(SocketChannel a, SocketChannel b, int maxChunk, long seed) throws IOException {
        Relay relay = new Relay(a, b, maxChunk, new Random(seed));
        relay.keyA = a.register(selector, SelectionKey.OP_READ, relay);
        relay.keyB = b.register(selector, SelectionKey.OP_READ, relay);
        relays.add(relay);
    }

    /** Runs the loop until {@code done} holds; fails after {@link #TIMEOUT}. */
    public void runUntil(String what, BooleanSupplier done) throws IOException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            boolean busy = false;
            for (Peer peer : peers) {
                if (peer.wantsStep()) {
                    peer.step();
                }
            }
            for (Relay relay : relays) {
                busy |= relay.step();
            }
            if (done.getAsBoolean()) {
                return;
            }
            for (Peer peer : peers) {
                busy |= peer.wantsStep();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("timed out waiting for " + what + "; peers: " + peers);
            }
            if (busy) {
                selector.selectNow();
            } else {
                selector.select(Math.max(1, Math.min(left / 1_000_000, 500)));
            }
            for (SelectionKey key : selector.selectedKeys()) {
                if (key.attachment() instanceof Peer peer) {
                    peer.step();
                } else if (key.attachment() instanceof Relay relay) {
                    relay.step();
                }
            }
            selector.selectedKeys().clear();
        }
    }

    /** Runs until both peers finished their handshakes (or one failed). */
    public void handshake(Peer a, Peer b) throws IOException {
        runUntil(
                "handshake",
                () -> (a.handshakeDone || a.failure != null) && (b.handshakeDone || b.failure != null)
                        || a.failure != null
                        || b.failure != null);
    }

    @Override
    public void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    /** One end: queued bytes to send, bytes received, and what happened. */
    public static final class Peer {
        public final Transport transport;
        final SelectionKey key;
        public final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final ArrayDeque<ByteBuffer> outgoing = new ArrayDeque<>();
        public boolean handshakeDone;
        /** {@link Transport#hasBufferedReads()} right after the handshake finished. */
        public boolean bufferedAfterHandshake;

        public boolean endOfStream;
        public IOException failure;
        public long consumed;
        /** While false the peer neither reads nor registers for reading (a stalled consumer). */
        public boolean reading = true;
        /** Write queued buffers one per {@code write} call instead of gathering them. */
        public boolean gather = true;

        public int readBufferSize = 16 * 1024;
        public int readsPerStep = Integer.MAX_VALUE;
        /** Sends back everything it receives. */
        public boolean echo;

        private boolean shutdownWhenDrained;
        private boolean shutdownDone;
        /** Step at the next loop pass: the test gave it work (and the handshake must start). */
        private boolean poked = true;

        Peer(Transport transport, SelectionKey key) {
            this.transport = transport;
            this.key = key;
        }

        public Peer send(byte[] data) {
            return send(ByteBuffer.wrap(data));
        }

        public Peer send(ByteBuffer... buffers) {
            outgoing.addAll(List.of(buffers));
            poked = true;
            return this;
        }

        /** close_notify (and FIN) once everything queued is written. */
        public Peer shutdownWhenDrained() {
            shutdownWhenDrained = true;
            poked = true;
            return this;
        }

        public Peer startReading() {
            reading = true;
            poked = true;
            return this;
        }

        public boolean outgoingEmpty() {
            return outgoing.isEmpty();
        }

        public byte[] bytes() {
            return received.toByteArray();
        }

        boolean wantsStep() {
            if (failure != null) {
                return false;
            }
            return poked || reading && handshakeDone && transport.hasBufferedReads();
        }

        void step() {
            poked = false;
            if (failure != null || !key.isValid()) {
                return;
            }
            try {
                if (!handshakeDone) {
                    Transport.HandshakeStatus status = transport.handshake();
                    if (status != Transport.HandshakeStatus.DONE) {
                        key.interestOps(
                                status == Transport.HandshakeStatus.NEED_WRITE
                                        ? SelectionKey.OP_WRITE
                                        : SelectionKey.OP_READ);
                        return;
                    }
                    handshakeDone = true;
                    bufferedAfterHandshake = transport.hasBufferedReads();
                    // Nothing more this step: buffered bytes must be announced by hasBufferedReads().
                    poked = !outgoing.isEmpty() || shutdownWhenDrained;
                    updateInterest();
                    return;
                }
                transport.flush();
                writeOutgoing();
                if (reading && !endOfStream) {
                    readSome();
                }
                if (echo) {
                    writeOutgoing();
                }
                if (shutdownWhenDrained && !shutdownDone && outgoing.isEmpty()) {
                    shutdownDone = true;
                    transport.shutdownOutput();
                }
                updateInterest();
            } catch (IOException e) {
                failure = e;
                key.cancel();
            }
        }

        private void writeOutgoing() throws IOException {
            while (!outgoing.isEmpty()) {
                ByteBuffer[] buffers =
                        gather ? outgoing.toArray(new ByteBuffer[0]) : new ByteBuffer[] {outgoing.peek()};
                long n = transport.write(buffers, 0, buffers.length);
                consumed += n;
                while (!outgoing.isEmpty() && !outgoing.peek().hasRemaining()) {
                    outgoing.poll();
                }
                if (n == 0) {
                    return;
                }
            }
        }

        private void readSome() throws IOException {
            ByteBuffer buffer = ByteBuffer.allocate(readBufferSize);
            for (int i = 0; i < readsPerStep; i++) {
                buffer.clear();
                int n = transport.read(buffer);
                if (n < 0) {
                    endOfStream = true;
                    return;
                }
                if (n == 0) {
                    return;
                }
                received.write(buffer.array(), 0, n);
                if (echo) {
                    outgoing.add(
                            ByteBuffer.wrap(buffer.array(), 0, n).duplicate().slice());
                    buffer = ByteBuffer.allocate(readBufferSize);
                }
            }
        }

        private void updateInterest() {
            int ops = 0;
            if (reading && !endOfStream) {
                ops |= SelectionKey.OP_READ;
            }
            if (transport.hasPendingWrites() || !outgoing.isEmpty()) {
                ops |= SelectionKey.OP_WRITE;
            }
            key.interestOps(ops);
        }

        @Override
        public String toString() {
            return "Peer[handshakeDone=" + handshakeDone + ", received=" + received.size() + ", consumed="
                    + consumed + ", outgoing=" + outgoing.size() + ", eos=" + endOfStream + ", pendingWrites="
                    + transport.hasPendingWrites() + ", bufferedReads=" + transport.hasBufferedReads()
                    + ", failure=" + failure + "]";
        }
    }

    /** Forwards bytes both ways in small random chunks. */
    private static final class Relay {
        private final SocketChannel a;
        private final SocketChannel b;
        private final int maxChunk;
        private final Random random;
        private final ByteBuffer aToB;
        private final ByteBuffer bToA;
        private boolean aDone;
        private boolean bDone;
        SelectionKey keyA;
        SelectionKey keyB;

        Relay(SocketChannel a, SocketChannel b, int maxChunk, Random random) {
            this.a = a;
            this.b = b;
            this.maxChunk = maxChunk;
            this.random = random;
            this.aToB = ByteBuffer.allocate(maxChunk).flip();
            this.bToA = ByteBuffer.allocate(maxChunk).flip();
        }

        /** @return true while bytes are held */
        boolean step() throws IOException {
            aDone = forward(a, aToB, b, aDone);
            bDone = forward(b, bToA, a, bDone);
            keyA.interestOps((aDone || aToB.hasRemaining() ? 0 : SelectionKey.OP_READ)
                    | (bToA.hasRemaining() ? SelectionKey.OP_WRITE : 0));
            keyB.interestOps((bDone || bToA.hasRemaining() ? 0 : SelectionKey.OP_READ)
                    | (aToB.hasRemaining() ? SelectionKey.OP_WRITE : 0));
            return aToB.hasRemaining() || bToA.hasRemaining();
        }

        private boolean forward(SocketChannel from, ByteBuffer held, SocketChannel to, boolean done)
                throws IOException {
            if (!held.hasRemaining() && !done) {
                held.clear().limit(1 + random.nextInt(maxChunk));
                int n = from.read(held);
                held.flip();
                if (n < 0) {
                    to.shutdownOutput();
                    return true;
                }
            }
            if (held.hasRemaining()) {
                to.write(held);
            }
            return done;
        }
    }
}
