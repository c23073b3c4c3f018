package io.duplex.testing;

import io.duplex.extension.Extension;
import io.duplex.protocol.Protocol;
import io.duplex.protocol.ProtocolConfig;
import io.duplex.protocol.Role;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.IntSupplier;

/**
 * A client {@link Protocol} and a server {@link Protocol} wired to each other in memory, for tests
 * without sockets: what one side writes, the other side receives.
 *
 * <p>Written bytes are queued, not delivered from inside {@link Protocol.Output#write}: the engine
 * is not re-entrant (a send whose reply arrived synchronously would see its own state half
 * updated), and a real transport never delivers that way either. Call {@link #flush()} to deliver
 * until both directions are idle, or {@link #deliverToServer()} / {@link #deliverToClient()} for
 * one direction. With {@link Builder#chunkSize(int)} the bytes arrive in reads of at most that
 * size, to exercise split frames. Each side's events and written bytes are recorded by a {@link
 * ProtocolRecorder}:
 *
 * <pre>{@code
 * try (ProtocolPair pair = ProtocolPair.create()) {
 *     pair.client().sendText("hi");
 *     pair.flush();
 *     assertEquals(new Event.Text("hi"), pair.serverRecorder().takeEvent());
 * } // fails if either side recorded an event the test did not take
 * }</pre>
 *
 * <p>Client mask keys come from a {@link Random} with a fixed seed, so the bytes on the wire are
 * the same on every run.
 *
 * <p>Threading: not thread-safe; drive both protocols and the pair from one thread.
 */
public final class ProtocolPair implements AutoCloseable {
    /** The seed of the client's mask keys unless {@link Builder#seed(long)} says otherwise. */
    public static final long DEFAULT_SEED = 6455;

    private static final int MAX_ROUNDS = 10_000;

    private final Protocol client;
    private final Protocol server;
    private final ProtocolRecorder clientRecorder = new ProtocolRecorder();
    private final ProtocolRecorder serverRecorder = new ProtocolRecorder();
    private final ByteArrayOutputStream toServer = new ByteArrayOutputStream();
    private final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
    private final int chunkSize;

    private ProtocolPair(Builder b) {
        this.chunkSize = b.chunkSize;
        IntSupplier maskKeys = b.maskKeys != null ? b.maskKeys : new Random(b.seed)::nextInt;
        this.client = Protocol.builder(Role.CLIENT)
                .config(b.clientConfig)
                .extensions(b.clientExtensions)
                .maskKeys(maskKeys)
                .events(clientRecorder)
                .output((header, payload) -> {
                    clientRecorder.write(header, payload);
                    append(toServer, header, payload);
                })
                .build();
        this.server = Protocol.builder(Role.SERVER)
                .config(b.serverConfig)
                .extensions(b.serverExtensions)
                .events(serverRecorder)
                .output((header, payload) -> {
                    serverRecorder.write(header, payload);
                    append(toClient, header, payload);
                })
                .build();
    }

    /** A pair with default configurations, no extensions and {@link #DEFAULT_SEED}. */
    public static ProtocolPair create() {
        return builder().build();
    }

    /** A builder for a customised pair. */
    public static Builder builder() {
        return new Builder();
    }

    /** The client end (masks what it sends). */
    public Protocol client() {
        return client;
    }

    /** The server end. */
    public Protocol server() {
        return server;
    }

    /** The client's events and every byte the client wrote. */
    public ProtocolRecorder clientRecorder() {
        return clientRecorder;
    }

    /** The server's events and every byte the server wrote. */
    public ProtocolRecorder serverRecorder() {
        return serverRecorder;
    }

    /** Whether bytes are waiting in either direction. */
    public boolean hasPending() {
        return toServer.size() > 0 || toClient.size() > 0;
    }

    /**
     * Delivers the bytes the client wrote so far to the server.
     *
     * @return the number of bytes delivered
     */
    public int deliverToServer() {
        return deliver(toServer, server);
    }

    /**
     * Delivers the bytes the server wrote so far to the client.
     *
     * @return the number of bytes delivered
     */
    public int deliverToClient() {
        return deliver(toClient, client);
    }

    /**
     * Delivers in both directions until neither side has anything more to say (replies such as
     * an automatic Pong or a Close echo included).
     *
     * @return the number of bytes delivered
     * @throws IllegalStateException if the two sides never go quiet
     */
    public int flush() {
        int total = 0;
        for (int round = 0; hasPending(); round++) {
            if (round == MAX_ROUNDS) {
                throw new IllegalStateException("the protocols kept talking for " + MAX_ROUNDS + " rounds");
            }
            total += deliverToServer();
            total += deliverToClient();
        }
        return total;
    }

    /** The transport ended under both sides: each receives EOF (RFC 6455 §7.1.5, code 1006 if unclean). */
    public void disconnect() {
        client.receiveEof();
        server.receiveEof();
    }

    /**
     * Teardown check: fails if either side recorded an event the test did not take.
     *
     * @throws AssertionError naming the side and the events left
     */
    @Override
    public void close() {
        try {
            clientRecorder.assertNoMoreEvents();
        } catch (AssertionError e) {
            throw new AssertionError("client: " + e.getMessage(), e);
        }
        try {
            serverRecorder.assertNoMoreEvents();
        } catch (AssertionError e) {
            throw new AssertionError("server: " + e.getMessage(), e);
        }
    }

    private int deliver(ByteArrayOutputStream pending, Protocol to) {
        // A fresh copy: receive() unmasks in place, and the recorders must keep the wire bytes.
        byte[] bytes = pending.toByteArray();
        pending.reset();
        int from = 0;
        while (from < bytes.length) {
            int n = Math.min(chunkSize, bytes.length - from);
            to.receive(ByteBuffer.wrap(bytes, from, n));
            from += n;
        }
        return bytes.length;
    }

    private static void append(ByteArrayOutputStream out, ByteBuffer header, ByteBuffer payload) {
        for (ByteBuffer b : new ByteBuffer[] {header, payload}) {
            byte[] bytes = new byte[b.remaining()];
            b.duplicate().get(bytes);
            out.writeBytes(bytes);
        }
    }

    /** Configures a {@link ProtocolPair}; not thread-safe. */
    public static final class Builder {
        private ProtocolConfig clientConfig = ProtocolConfig.DEFAULT;
        private ProtocolConfig serverConfig = ProtocolConfig.DEFAULT;
        private List<Extension> clientExtensions = List.of();
        private List<Extension> serverExtensions = List.of();
        private long seed = DEFAULT_SEED;
        private IntSupplier maskKeys;
        private int chunkSize = Integer.MAX_VALUE;

        private Builder() {}

        /** The configuration of both sides. */
        public Builder config(ProtocolConfig config) {
            return clientConfig(config).serverConfig(config);
        }

        /** The client's configuration (default {@link ProtocolConfig#DEFAULT}). */
        public Builder clientConfig(ProtocolConfig config) {
            this.clientConfig = Objects.requireNonNull(config);
            return this;
        }

        /** The server's configuration (default {@link ProtocolConfig#DEFAULT}). */
        public Builder serverConfig(ProtocolConfig config) {
            this.serverConfig = Objects.requireNonNull(config);
            return this;
        }

        /** The client's negotiated extensions, in negotiated order. */
        public Builder clientExtensions(List<Extension> extensions) {
            this.clientExtensions = List.copyOf(extensions);
            return this;
        }

        /** The server's negotiated extensions, in negotiated order. */
        public Builder serverExtensions(List<Extension> extensions) {
            this.serverExtensions = List.copyOf(extensions);
            return this;
        }

        /** The seed of the client's mask keys (default {@link #DEFAULT_SEED}). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The client's mask keys, instead of the seeded source (e.g. {@code () -> 0x37fa213d}). */
        public Builder maskKeys(IntSupplier maskKeys) {
            this.maskKeys = Objects.requireNonNull(maskKeys);
            return this;
        }

        /** Delivers bytes in reads of at most {@code bytes} (1 = one byte at a time). */
        public Builder chunkSize(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("chunk size must be positive");
            }
            this.chunkSize = bytes;
            return this;
        }

        /** A new pair; the builder may be reused. */
        public ProtocolPair build() {
            return new ProtocolPair(this);
        }
    }
}
