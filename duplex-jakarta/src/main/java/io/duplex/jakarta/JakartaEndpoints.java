package io.duplex.jakarta;

import io.duplex.Upgrader;
import io.duplex.WebSocketConfig;
import io.duplex.WebSocketServer;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.server.ServerApplicationConfig;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Jakarta WebSocket 2.1 server endpoints deployed on a Duplex {@link WebSocketServer.Builder},
 * next to native handlers:
 *
 * <pre>{@code
 * WebSocketServer.Builder server = WebSocketServer.builder().port(8080)
 *         .handlerExecutor(pool)                 // blocking getBasicRemote() sends need it
 *         .route("/native", WebSocketHandler.echo());
 * JakartaEndpoints.builder().endpoint(ChatEndpoint.class).build().addTo(server);
 * server.start();
 * }</pre>
 *
 * <p>Each endpoint with an exact path gets a route of its own; endpoints with URI templates share
 * the {@code "*"} route, where the best match is chosen (§3.1.1). Jakarta endpoints run on the
 * threads the server runs handlers on: the event loops unless {@code handlerExecutor} is set, in
 * which case a blocking send on the loop throws {@link IllegalStateException} (see {@link
 * JakartaServer}, which sets an executor by default).
 *
 * <p>Threading: the builder is not thread-safe; a built instance is.
 */
public final class JakartaEndpoints implements AutoCloseable {
    /**
     * The key under which the object attached by the server's own {@link Upgrader} (the
     * authenticated user, say) is put in each session's user properties; a {@link
     * java.security.Principal} there is also {@code Session.getUserPrincipal()}.
     */
    public static final String ATTACHMENT = "io.duplex.attachment";

    private final List<Registration> registrations;
    private final JakartaContainer container;
    private final JakartaHandler handler;
    private final boolean secure;
    private final Upgrader upgrader;

    private JakartaEndpoints(
            List<Registration> registrations, JakartaContainer container, boolean secure, Upgrader upgrader) {
        this.registrations = registrations;
        this.container = container;
        this.handler = new JakartaHandler(container);
        this.secure = secure;
        this.upgrader = upgrader;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The container sessions report ({@code Session.getContainer()}), with the session defaults. */
    public ServerContainer container() {
        return container;
    }

    /** The paths deployed, as declared. */
    public List<String> paths() {
        return registrations.stream().map(r -> r.config().getPath()).toList();
    }

    /** Adds a route per exact path, and the {@code "*"} route if any path is a URI template. */
    public WebSocketServer.Builder addTo(WebSocketServer.Builder server) {
        List<Registration> templates = new ArrayList<>();
        for (Registration r : registrations) {
            if (r.template().isExact()) {
                server.route(r.config().getPath(), handler, new EndpointUpgrader(List.of(r), secure, upgrader));
            } else {
                templates.add(r);
            }
        }
        if (!templates.isEmpty()) {
            server.route("*", handler, new EndpointUpgrader(List.copyOf(templates), secure, upgrader));
        }
        return server;
    }

    /** Stops the idle-timeout timer (sessions end with their server). */
    @Override
    public void close() {
        container.shutdown();
    }

    /** Collects endpoints and checks them when it builds (deployment, §5.2.1); not thread-safe. */
    public static final class Builder {
        private final List<ServerEndpointConfig> configs = new ArrayList<>();
        private final List<Class<?>> annotated = new ArrayList<>();
        private WebSocketConfig config = WebSocketConfig.DEFAULT;
        private boolean secure;
        private Duration idleTimeout = Duration.ZERO;
        private Upgrader upgrader = Upgrader.acceptAll();

        private Builder() {}

        /** An annotated endpoint ({@code @ServerEndpoint}). */
        public Builder endpoint(Class<?> annotatedEndpoint) {
            annotated.add(Objects.requireNonNull(annotatedEndpoint));
            return this;
        }

        /** A programmatic endpoint (or an annotated one with a configuration of its own). */
        public Builder endpoint(ServerEndpointConfig config) {
            configs.add(Objects.requireNonNull(config));
            return this;
        }

        /**
         * What a {@link ServerApplicationConfig} chooses among {@code candidates} (there is no
         * archive scan here: the candidates are the classes you name, §6.2 filtering applied to
         * them).
         */
        public Builder application(ServerApplicationConfig application, Class<?>... candidates) {
            Set<Class<? extends Endpoint>> programmatic = new LinkedHashSet<>();
            Set<Class<?>> annotatedCandidates = new LinkedHashSet<>();
            for (Class<?> c : candidates) {
                if (Endpoint.class.isAssignableFrom(c)) {
                    programmatic.add(c.asSubclass(Endpoint.class));
                }
                if (c.isAnnotationPresent(ServerEndpoint.class)) {
                    annotatedCandidates.add(c);
                }
            }
            Set<ServerEndpointConfig> chosen = application.getEndpointConfigs(programmatic);
            if (chosen != null) {
                configs.addAll(chosen);
            }
            Set<Class<?>> chosenAnnotated = application.getAnnotatedEndpointClasses(annotatedCandidates);
            if (chosenAnnotated != null) {
                annotated.addAll(chosenAnnotated);
            }
            return this;
        }

        /** The server's configuration: its message limit bounds the sessions' buffer sizes. */
        public Builder config(WebSocketConfig config) {
            this.config = Objects.requireNonNull(config);
            return this;
        }

        /** Whether the server runs TLS ({@code Session.isSecure()}, {@code wss} request URIs). */
        public Builder secure(boolean secure) {
            this.secure = secure;
            return this;
        }

        /**
         * The container's default session idle timeout (zero, the default: the server's {@code
         * WebSocketConfig.idleTimeout}, itself zero, none, unless set).
         */
        public Builder maxSessionIdleTimeout(Duration timeout) {
            this.idleTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /**
         * Asked before the endpoints' configurators, e.g. to authenticate; what it attaches is in
         * the session's user properties under {@link #ATTACHMENT}.
         */
        public Builder upgrader(Upgrader upgrader) {
            this.upgrader = Objects.requireNonNull(upgrader);
            return this;
        }

        /** Checks every endpoint (a malformed one fails the whole deployment, §5.2.1-3). */
        public JakartaEndpoints build() throws DeploymentException {
            List<ServerEndpointConfig> all = new ArrayList<>(configs);
            for (Class<?> c : annotated) {
                all.add(fromAnnotation(c));
            }
            if (all.isEmpty()) {
                throw new DeploymentException("no endpoints");
            }
            List<Registration> registrations = new ArrayList<>();
            for (ServerEndpointConfig sec : all) {
                UriTemplate template = UriTemplate.parse(sec.getPath());
                for (Registration r : registrations) {
                    if (r.template().equivalentTo(template)) {
                        // §3.1.1 (WSC-3.1.1-2): two endpoints at equivalent paths are invalid.
                        throw new DeploymentException("two endpoints at " + sec.getPath());
                    }
                }
                Class<?> type = sec.getEndpointClass();
                AnnotatedEndpoint model = null;
                if (!Endpoint.class.isAssignableFrom(type)) {
                    if (!type.isAnnotationPresent(ServerEndpoint.class)) {
                        throw new DeploymentException(type.getName() + " is neither an Endpoint nor @ServerEndpoint");
                    }
                    model = AnnotatedEndpoint.of(type, sec.getDecoders());
                }
                registrations.add(new Registration(sec, template, model, ConcurrentHashMap.newKeySet()));
            }
            // WebSocketContainer.getDefaultMaxSessionIdleTimeout: the builder's, else Duplex's idleTimeout.
            long idle = idleTimeout.isZero() ? config.idleTimeout().toMillis() : idleTimeout.toMillis();
            JakartaContainer container = new JakartaContainer(config, idle);
            return new JakartaEndpoints(List.copyOf(registrations), container, secure, upgrader);
        }

        /** §4.1: the configuration an {@code @ServerEndpoint} declares. */
        private static ServerEndpointConfig fromAnnotation(Class<?> c) throws DeploymentException {
            ServerEndpoint se = c.getAnnotation(ServerEndpoint.class);
            if (se == null) {
                throw new DeploymentException(c.getName() + " is not annotated with @ServerEndpoint");
            }
            ServerEndpointConfig.Configurator configurator;
            try {
                // §4.1.5: a new configurator instance per logical endpoint.
                configurator = se.configurator() == ServerEndpointConfig.Configurator.class
                        ? new ServerEndpointConfig.Configurator()
                        : Instances.create(se.configurator());
            } catch (IllegalStateException e) {
                throw new DeploymentException("cannot create the configurator of " + c.getName(), e);
            }
            return ServerEndpointConfig.Builder.create(c, se.value())
                    .encoders(Arrays.asList(se.encoders()))
                    .decoders(Arrays.asList(se.decoders()))
                    .subprotocols(Arrays.asList(se.subprotocols()))
                    .configurator(configurator)
                    .build();
        }
    }
}
