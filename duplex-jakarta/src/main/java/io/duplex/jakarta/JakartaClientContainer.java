package io.duplex.jakarta;

import io.duplex.TlsConfig;
import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketConfig;
import io.duplex.handshake.HandshakeException;
import jakarta.websocket.ClientEndpoint;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Session;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client side of Jakarta WebSocket 2.1 on Duplex's {@link WebSocketClient}: {@code
 * connectToServer} for annotated ({@code @ClientEndpoint}, §4.2) and programmatic ({@link
 * Endpoint} with a {@link ClientEndpointConfig}) endpoints, the configurator's {@code
 * beforeRequest}/{@code afterResponse} (§3.2.3), preferred subprotocols (§3.2.1), encoders and
 * decoders. {@code ContainerProvider.getWebSocketContainer()} finds one through {@link
 * DuplexContainerProvider} (§6.1); build your own to choose TLS, limits or threads:
 *
 * <pre>{@code
 * try (JakartaClientContainer container = JakartaClientContainer.builder().tls(tls).build()) {
 *     Session s = container.connectToServer(ChatClient.class, URI.create("wss://example.com/chat/a"));
 * }
 * }</pre>
 *
 * <p>Session defaults come from the Duplex {@link WebSocketConfig}: buffer sizes default to, and
 * are capped at, its message limit; the idle timeout starts from its {@code idleTimeout}.
 * Extensions are Duplex's ({@code WebSocketConfig.extensions}, permessage-deflate by default):
 * {@code ClientEndpointConfig.getExtensions()} is not offered (§3.2.2 leaves the list to the
 * application; Duplex negotiates only what it implements).
 *
 * <p>{@code connectToServer} returns once the handshake succeeded and the endpoint's {@code
 * onOpen} has run. A handshake the server refuses, or a 101 response that is not valid, is a
 * {@link DeploymentException} (with the HTTP status); a connection that cannot be made or times
 * out (Duplex's {@code connectTimeout} plus {@code handshakeTimeout}) is an {@link IOException}.
 *
 * <p>Threading: safe from any thread. Endpoints run on a handler executor (a pool of daemon
 * threads unless one is given), in order per connection and one thread at a time (§5.1), so
 * {@code getBasicRemote()} may block in them. {@link #close()} closes every connection (1001).
 */
public final class JakartaClientContainer extends SessionDefaults implements AutoCloseable {
    private final WebSocketConfig config;
    private final TlsConfig tls;
    private final int eventLoops;
    private final Executor executor;
    private final ExecutorService ownPool;
    /** One Duplex client per list of offered subprotocols (the client's config carries them). */
    private final Map<List<String>, WebSocketClient> clients = new ConcurrentHashMap<>();
    /** Open sessions per endpoint class ({@code Session.getOpenSessions()}). */
    private final Map<Class<?>, Set<DuplexSession>> sessions = new ConcurrentHashMap<>();

    private final AtomicLong ids = new AtomicLong();
    private volatile boolean closed;

    private JakartaClientContainer(Builder b) {
        super(b.config, b.config.idleTimeout().toMillis());
        this.config = b.config;
        this.tls = b.tls;
        this.eventLoops = b.eventLoops;
        this.ownPool = b.executor == null ? Executors.newCachedThreadPool(daemonThreads()) : null;
        this.executor = b.executor != null ? b.executor : ownPool;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A container with Duplex's defaults (the JDK trust store for {@code wss}). */
    public static JakartaClientContainer create() {
        return builder().build();
    }

    @Override
    public Session connectToServer(Object annotatedEndpointInstance, URI path) throws DeploymentException, IOException {
        Objects.requireNonNull(annotatedEndpointInstance, "annotatedEndpointInstance");
        if (annotatedEndpointInstance instanceof Endpoint e) {
            return connectToServer(e, ClientEndpointConfig.Builder.create().build(), path);
        }
        Class<?> type = annotatedEndpointInstance.getClass();
        ClientEndpointConfig cec = fromAnnotation(type);
        Endpoint endpoint = AnnotatedEndpoint.of(type, cec.getDecoders()).bind(annotatedEndpointInstance);
        return connect(endpoint, type, cec, path);
    }

    @Override
    public Session connectToServer(Class<?> annotatedEndpointClass, URI path) throws DeploymentException, IOException {
        ClientEndpointConfig cec = fromAnnotation(annotatedEndpointClass);
        AnnotatedEndpoint model = AnnotatedEndpoint.of(annotatedEndpointClass, cec.getDecoders());
        return connect(model.bind(newInstance(annotatedEndpointClass)), annotatedEndpointClass, cec, path);
    }

    @Override
    public Session connectToServer(Endpoint endpointInstance, ClientEndpointConfig cec, URI path)
            throws DeploymentException, IOException {
        return connect(Objects.requireNonNull(endpointInstance), endpointInstance.getClass(), cec, path);
    }

    @Override
    public Session connectToServer(Class<? extends Endpoint> endpointClass, ClientEndpointConfig cec, URI path)
            throws DeploymentException, IOException {
        return connect(newInstance(endpointClass), endpointClass, cec, path);
    }

    private static <T> T newInstance(Class<T> type) throws DeploymentException {
        try {
            return Instances.create(type);
        } catch (IllegalStateException e) {
            throw new DeploymentException(e.getMessage(), e.getCause());
        }
    }

    /** §4.2: the configuration a {@code @ClientEndpoint} declares. */
    static ClientEndpointConfig fromAnnotation(Class<?> type) throws DeploymentException {
        ClientEndpoint ce = type.getAnnotation(ClientEndpoint.class);
        if (ce == null) {
            throw new DeploymentException(type.getName() + " is not annotated with @ClientEndpoint");
        }
        ClientEndpointConfig.Configurator configurator = ce.configurator() == ClientEndpointConfig.Configurator.class
                ? new ClientEndpointConfig.Configurator()
                : newInstance(ce.configurator());
        return ClientEndpointConfig.Builder.create()
                .encoders(Arrays.asList(ce.encoders()))
                .decoders(Arrays.asList(ce.decoders()))
                .preferredSubprotocols(Arrays.asList(ce.subprotocols()))
                .configurator(configurator)
                .build();
    }

    private Session connect(Endpoint endpoint, Class<?> type, ClientEndpointConfig cec, URI uri)
            throws DeploymentException, IOException {
        Objects.requireNonNull(cec, "cec");
        Objects.requireNonNull(uri, "path");
        if (closed) {
            throw new IllegalStateException("the container is closed");
        }
        String scheme = uri.getScheme();
        if (!"ws".equalsIgnoreCase(scheme) && !"wss".equalsIgnoreCase(scheme)) {
            throw new DeploymentException("not a ws:// or wss:// URI: " + uri);
        }
        // §3.2.3: beforeRequest sees, and may change, the request headers before anything is sent;
        // the preferred subprotocols are there as Sec-WebSocket-Protocol (§3.2.1).
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (!cec.getPreferredSubprotocols().isEmpty()) {
            headers.put(
                    "Sec-WebSocket-Protocol",
                    new ArrayList<>(List.of(String.join(", ", cec.getPreferredSubprotocols()))));
        }
        cec.getConfigurator().beforeRequest(headers);
        List<String> offered = new ArrayList<>();
        List<String> protocolHeader = headers.remove("Sec-WebSocket-Protocol");
        if (protocolHeader != null) {
            for (String value : protocolHeader) {
                for (String token : value.split(",")) {
                    if (!token.isBlank()) {
                        offered.add(token.strip());
                    }
                }
            }
        }
        Map<String, String> extra = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> {
            if (values != null && !values.isEmpty()) {
                extra.put(name, String.join(", ", values));
            }
        });
        Set<DuplexSession> open = sessions.computeIfAbsent(type, t -> ConcurrentHashMap.newKeySet());
        Handshake handshake = new Handshake(
                null,
                cec,
                open,
                Map.of(),
                uri,
                uri.getRawQuery(),
                UpgradeHandshake.parseQuery(uri.getRawQuery()),
                null,
                "wss".equalsIgnoreCase(scheme));
        ClientConnection connection =
                new ClientConnection(this, endpoint, handshake, "c" + Long.toHexString(ids.incrementAndGet()));
        long limit = config.connectTimeout().plus(config.handshakeTimeout()).toMillis() + 5_000;
        WebSocket ws;
        try {
            ws = client(List.copyOf(offered)).connect(uri, connection, extra).get(limit, TimeUnit.MILLISECONDS);
            return connection.opened().get(limit, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to " + uri, e);
        } catch (TimeoutException e) {
            throw new IOException("no connection to " + uri + " within " + limit + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HandshakeException h) {
                throw new DeploymentException(
                        "handshake with " + uri + " failed" + (h.status() > 0 ? " (HTTP " + h.status() + ")" : "")
                                + ": " + h.getMessage(),
                        h);
            }
            if (cause instanceof DeploymentException d) {
                throw d;
            }
            throw new IOException("cannot connect to " + uri + ": " + cause, cause);
        }
    }

    private WebSocketClient client(List<String> subprotocols) {
        return clients.computeIfAbsent(subprotocols, offered -> {
            WebSocketClient.Builder b = WebSocketClient.builder()
                    .config(config.toBuilder().subprotocols(offered).build())
                    .eventLoops(eventLoops)
                    .handlerExecutor(executor);
            if (tls != null) {
                b.tls(tls);
            }
            return b.build();
        });
    }

    /** Closes every session (1001 Going Away) and stops the container's threads. */
    @Override
    public void close() {
        closed = true;
        clients.values().forEach(WebSocketClient::close);
        clients.clear();
        shutdown();
        if (ownPool != null) {
            ownPool.shutdown();
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "duplex-jakarta-client-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Builds a {@link JakartaClientContainer}; not thread-safe. */
    public static final class Builder {
        private WebSocketConfig config = WebSocketConfig.DEFAULT;
        private TlsConfig tls;
        private int eventLoops = 1;
        private Executor executor;

        private Builder() {}

        /** Limits and timeouts (Duplex's secure defaults: 1 MiB messages, 10 s to connect, …). */
        public Builder config(WebSocketConfig config) {
            this.config = Objects.requireNonNull(config);
            return this;
        }

        /** TLS for {@code wss} (default: the JDK trust store, host names verified). */
        public Builder tls(TlsConfig tls) {
            this.tls = tls;
            return this;
        }

        public Builder eventLoops(int n) {
            this.eventLoops = n;
            return this;
        }

        /** Where endpoints run (default: a pool of daemon threads made for this container). */
        public Builder handlerExecutor(Executor executor) {
            this.executor = Objects.requireNonNull(executor);
            return this;
        }

        public JakartaClientContainer build() {
            return new JakartaClientContainer(this);
        }
    }
}
