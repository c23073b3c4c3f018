package io.duplex.jakarta;

import jakarta.websocket.CloseReason;
import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The model of an annotated endpoint class ({@code @ServerEndpoint} with {@code @OnOpen},
 * {@code @OnMessage}, {@code @OnClose}, {@code @OnError}), checked once at deployment (Jakarta
 * WebSocket 2.1 chapter 4: a malformed class is a {@link DeploymentException}, §5.2.1), and bound
 * to each connection's instance as an {@link Endpoint}.
 *
 * <p>Only the class's own public methods count (§4.8: annotations are not inherited).
 *
 * <p>Threading: the model is immutable; a bound endpoint is called one thread at a time (§5.1).
 */
final class AnnotatedEndpoint {
    private static final System.Logger LOG = System.getLogger(AnnotatedEndpoint.class.getName());

    /** What a parameter of an annotated method receives. */
    sealed interface Param {
        record SessionParam() implements Param {}

        record Config() implements Param {}

        record Reason() implements Param {}

        record Error() implements Param {}

        /** §4.3: a path segment as String, a primitive or its wrapper. */
        record Path(String name, Class<?> type) implements Param {}

        record Payload() implements Param {}

        record Last() implements Param {}
    }

    /** One call's values for the parameters. */
    private record Call(
            Session session,
            EndpointConfig config,
            CloseReason reason,
            Throwable error,
            Object payload,
            boolean last) {}

    /** An annotated method and its parameters. */
    private record Callback(Method method, List<Param> params) {}

    /** An {@code @OnMessage} method: its native type, payload type, partial or whole, size limit. */
    private record MessageMethod(Callback callback, NativeType type, Class<?> payload, boolean partial, long maxSize) {}

    private final Class<?> type;
    private final Callback onOpen;
    private final Callback onClose;
    private final Callback onError;
    private final Map<NativeType, MessageMethod> messages;

    private AnnotatedEndpoint(
            Class<?> type,
            Callback onOpen,
            Callback onClose,
            Callback onError,
            Map<NativeType, MessageMethod> messages) {
        this.type = type;
        this.onOpen = onOpen;
        this.onClose = onClose;
        this.onError = onError;
        this.messages = messages;
    }

    /** Reads and checks an annotated class; {@code decoders} are the ones it declares. */
    static AnnotatedEndpoint of(Class<?> type, List<Class<? extends Decoder>> decoders) throws DeploymentException {
        if (!Modifier.isPublic(type.getModifiers())) {
            throw new DeploymentException(type.getName() + " must be public (§4.8)");
        }
        Callback open = null;
        Callback close = null;
        Callback error = null;
        Map<NativeType, MessageMethod> messages = new EnumMap<>(NativeType.class);
        for (Method m : type.getDeclaredMethods()) {
            if (!Modifier.isPublic(m.getModifiers()) || m.isSynthetic() || m.isBridge()) {
                continue;
            }
            if (m.isAnnotationPresent(OnOpen.class)) {
                // §4.4 (WSC-4.4-3): one method, Session / EndpointConfig / @PathParam only.
                open = once(open, lifecycle(m, Session.class, EndpointConfig.class), "@OnOpen", type);
            }
            if (m.isAnnotationPresent(OnClose.class)) {
                close = once(close, lifecycle(m, Session.class, CloseReason.class), "@OnClose", type); // §4.5
            }
            if (m.isAnnotationPresent(OnError.class)) {
                Callback c = lifecycle(m, Session.class, Throwable.class);
                if (c.params.stream().noneMatch(p -> p instanceof Param.Error)) {
                    throw new DeploymentException(m + ": @OnError needs a Throwable parameter (§4.6)");
                }
                error = once(error, c, "@OnError", type);
            }
            OnMessage om = m.getAnnotation(OnMessage.class);
            if (om != null) {
                MessageMethod mm = message(m, om, decoders);
                if (messages.put(mm.type, mm) != null) {
                    // §4.7 (WSC-4.7-4): one @OnMessage per native message type.
                    throw new DeploymentException(type.getName() + " has two @OnMessage methods for " + mm.type);
                }
            }
        }
        return new AnnotatedEndpoint(type, open, close, error, messages);
    }

    private static Callback once(Callback existing, Callback next, String what, Class<?> type)
            throws DeploymentException {
        if (existing != null) {
            throw new DeploymentException(type.getName() + " has more than one " + what + " method");
        }
        return next;
    }

    private static Callback lifecycle(Method m, Class<?>... allowed) throws DeploymentException {
        List<Param> params = new ArrayList<>();
        for (Parameter p : m.getParameters()) {
            Param path = pathParam(m, p);
            if (path != null) {
                params.add(path);
            } else if (p.getType() == Session.class && List.of(allowed).contains(Session.class)) {
                params.add(new Param.SessionParam());
            } else if (p.getType() == EndpointConfig.class && List.of(allowed).contains(EndpointConfig.class)) {
                params.add(new Param.Config());
            } else if (p.getType() == CloseReason.class && List.of(allowed).contains(CloseReason.class)) {
                params.add(new Param.Reason());
            } else if (p.getType() == Throwable.class && List.of(allowed).contains(Throwable.class)) {
                params.add(new Param.Error());
            } else {
                throw new DeploymentException(
                        m + ": parameter of type " + p.getType().getName() + " is not allowed");
            }
        }
        return new Callback(m, List.copyOf(params));
    }

    private static Param pathParam(Method m, Parameter p) throws DeploymentException {
        PathParam pp = p.getAnnotation(PathParam.class);
        if (pp == null) {
            return null;
        }
        // §4.3 (WSC-4.3-1): String, primitives and their wrappers only.
        if (p.getType() != String.class && !NativeType.isPrimitiveOrWrapper(p.getType())) {
            throw new DeploymentException(m + ": @PathParam " + pp.value() + " must be a String or primitive");
        }
        return new Param.Path(pp.value(), p.getType());
    }

    private static MessageMethod message(Method m, OnMessage om, List<Class<? extends Decoder>> decoders)
            throws DeploymentException {
        List<Param> params = new ArrayList<>();
        List<Parameter> rest = new ArrayList<>();
        for (Parameter p : m.getParameters()) {
            Param path = pathParam(m, p);
            if (path != null) {
                params.add(path);
            } else if (p.getType() == Session.class) {
                params.add(new Param.SessionParam());
            } else {
                params.add(null); // payload or last, decided below
                rest.add(p);
            }
        }
        boolean partial = rest.size() == 2 && rest.get(1).getType() == boolean.class;
        if (rest.isEmpty() || rest.size() > 2 || rest.size() == 2 && !partial) {
            throw new DeploymentException(m + ": @OnMessage needs one message parameter (and boolean last)");
        }
        Class<?> payload = rest.get(0).getType();
        NativeType type = partial ? NativeType.ofPartial(payload) : NativeType.ofWhole(payload, decoders);
        if (type == null) {
            throw new DeploymentException(m + ": no decoder or conversion for " + payload.getName() + " (§4.7)");
        }
        int seen = 0;
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i) == null) {
                params.set(i, seen++ == 0 ? new Param.Payload() : new Param.Last());
            }
        }
        return new MessageMethod(new Callback(m, List.copyOf(params)), type, payload, partial, om.maxMessageSize());
    }

    /** An {@link Endpoint} that calls {@code instance}'s annotated methods. */
    Endpoint bind(Object instance) {
        if (!type.isInstance(instance)) {
            throw new IllegalStateException("configurator returned " + instance + " for " + type.getName());
        }
        return new Bound(instance);
    }

    private final class Bound extends Endpoint {
        private final Object instance;
        private EndpointConfig config;

        Bound(Object instance) {
            this.instance = instance;
        }

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            this.config = config;
            DuplexSession s = (DuplexSession) session;
            for (MessageMethod mm : messages.values()) {
                s.setReceiver(mm.type, receiver(s, mm));
            }
            if (onOpen != null) {
                invokeOrReport(onOpen, new Call(session, config, null, null, null, true), s);
            }
        }

        @Override
        public void onClose(Session session, CloseReason closeReason) {
            if (onClose != null) {
                invokeOrReport(
                        onClose, new Call(session, config, closeReason, null, null, true), (DuplexSession) session);
            }
        }

        @Override
        public void onError(Session session, Throwable thr) {
            if (onError == null) {
                // §5.2.2 (WSC-5.2.2-3): no error handler: logged for later analysis.
                LOG.log(System.Logger.Level.WARNING, "error in " + type.getName() + " (no @OnError)", thr);
                return;
            }
            try {
                invoke(onError, new Call(session, config, null, thr, null, true));
            } catch (Throwable again) {
                LOG.log(System.Logger.Level.WARNING, "@OnError of " + type.getName() + " failed", again);
            }
        }

        private void invokeOrReport(Callback c, Call call, DuplexSession s) {
            try {
                invoke(c, call);
            } catch (Throwable t) {
                s.onError(t);
            }
        }

        private Receiver receiver(DuplexSession s, MessageMethod mm) {
            long max = mm.maxSize;
            return switch (mm.type) {
                case TEXT ->
                    new Receiver.Text(null, max, mm.partial, (text, last) -> {
                        Object payload = mm.partial ? text : PayloadConversion.text(text, mm.payload, s.decoders());
                        onMessage(s, mm, payload, last, "text");
                    });
                case BINARY ->
                    new Receiver.Binary(null, max, mm.partial, (data, last) -> {
                        Object payload = mm.partial && mm.payload == ByteBuffer.class
                                ? data
                                : mm.partial
                                        ? PayloadConversion.bytes(data)
                                        : PayloadConversion.binary(data, mm.payload, s.decoders());
                        onMessage(s, mm, payload, last, "binary");
                    });
                case PONG -> new Receiver.Pong(null, (pong, last) -> onMessage(s, mm, pong, true, "pong"));
            };
        }

        private void onMessage(DuplexSession s, MessageMethod mm, Object payload, boolean last, String kind)
                throws Throwable {
            if (payload == DecoderSet.NO_DECODER) {
                s.cannotAccept("no decoder takes this " + kind + " message");
                return;
            }
            Object result = invoke(mm.callback, new Call(s, config, null, null, payload, last));
            if (result != null) {
                // @OnMessage javadoc: a return value is sent back to the peer (encoded like sendObject).
                s.getAsyncRemote().sendObject(result, r -> {
                    if (!r.isOK()) {
                        s.onError(r.getException());
                    }
                });
            }
        }

        private Object invoke(Callback c, Call call) throws Throwable {
            Object[] args = new Object[c.params.size()];
            for (int i = 0; i < args.length; i++) {
                args[i] = value(c.params.get(i), call);
            }
            try {
                return c.method.invoke(instance, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        private Object value(Param p, Call call) throws DecodeException {
            if (p instanceof Param.SessionParam) {
                return call.session;
            } else if (p instanceof Param.Config) {
                return call.config;
            } else if (p instanceof Param.Reason) {
                return call.reason;
            } else if (p instanceof Param.Error) {
                return call.error;
            } else if (p instanceof Param.Payload) {
                return call.payload;
            } else if (p instanceof Param.Last) {
                return call.last;
            }
            Param.Path path = (Param.Path) p;
            String segment = ((DuplexSession) call.session).pathParameters().get(path.name());
            if (segment == null) {
                // §4.3: a name the template does not have is null (a primitive cannot be).
                if (path.type().isPrimitive()) {
                    throw new DecodeException((String) null, "no path parameter " + path.name());
                }
                return null;
            }
            // §4.3 (WSC-4.3-5/6): converted as by the wrapper's String constructor, else DecodeException.
            return path.type() == String.class ? segment : PayloadConversion.primitive(segment, path.type());
        }
    }
}
