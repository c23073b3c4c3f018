package io.duplex.jakarta;

import io.duplex.WebSocket;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Extension;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Jakarta {@link Session} on one Duplex {@link WebSocket}: its handlers, remotes, limits, idle
 * timeout and user properties, and the endpoint instance it calls.
 *
 * <p>Threading: the public methods are safe from any thread (Jakarta WebSocket 2.1 §2.1.2). The
 * {@code on*} methods are called by {@link JakartaHandler} for one connection one at a time — on
 * the handler executor or the event loop — so the endpoint is never entered by two threads at
 * once for its peer (§5.1, WSC-5.1-2).
 */
final class DuplexSession implements Session {
    private static final System.Logger LOG = System.getLogger(DuplexSession.class.getName());

    private final String id;
    private final WebSocket ws;
    private final Handshake handshake;
    private final SessionDefaults container;
    private final Endpoint endpoint;
    private final DecoderSet decoders;
    private final EncoderSet encoders;
    private final RemoteSender sender;
    private final BasicRemote basic;
    private final AsyncRemote async;
    private final Map<String, Object> userProperties;

    private volatile Receiver text;
    private volatile Receiver binary;
    private volatile Receiver pong;
    private volatile long maxIdleTimeout;
    private volatile int maxText;
    private volatile int maxBinary;
    private volatile long lastActivity = System.nanoTime();
    private volatile ScheduledFuture<?> idleCheck;
    /** Set when this container closed the session itself (idle timeout): §2.1.5 reports 1006. */
    private volatile CloseReason containerClose;

    /** Parts of a message while the runtime delivers fragments (message assembly off). */
    private ByteArrayOutputStream assembling;

    DuplexSession(String id, WebSocket ws, Handshake handshake, SessionDefaults container, Endpoint endpoint) {
        this.id = id;
        this.ws = ws;
        this.handshake = handshake;
        this.container = container;
        this.endpoint = endpoint;
        this.userProperties = new ConcurrentHashMap<>();
        handshake.config().getUserProperties().forEach((k, v) -> {
            if (k != null && v != null) {
                userProperties.put(k, v);
            }
        });
        this.decoders = DecoderSet.create(handshake.config().getDecoders(), handshake.config());
        this.encoders = EncoderSet.create(handshake.config().getEncoders(), handshake.config());
        this.sender = new RemoteSender(ws, encoders, this::touch, container.getDefaultAsyncSendTimeout());
        this.basic = new BasicRemote(sender);
        this.async = new AsyncRemote(sender, ws);
        this.maxText = container.getDefaultMaxTextMessageBufferSize();
        this.maxBinary = container.getDefaultMaxBinaryMessageBufferSize();
        setMaxIdleTimeout(container.getDefaultMaxSessionIdleTimeout());
    }

    Endpoint endpoint() {
        return endpoint;
    }

    DecoderSet decoders() {
        return decoders;
    }

    /** The decoder classes the endpoint declared (whole-message handlers' types are checked against them). */
    java.util.List<Class<? extends jakarta.websocket.Decoder>> declaredDecoders() {
        return handshake.config().getDecoders();
    }

    Map<String, String> pathParameters() {
        return handshake.pathParameters();
    }

    // ------------------------------------------------------------------ receiving

    void onText(String message) {
        touch();
        Receiver r = text;
        if (r == null) {
            cannotAccept("this endpoint takes no text messages");
            return;
        }
        if (tooBig(r, maxText, message.length(), () -> utf8Length(message))) {
            return;
        }
        deliver(() -> ((Receiver.Text) r).body().accept(message, true));
    }

    void onBinary(ByteBuffer message) {
        touch();
        Receiver r = binary;
        if (r == null) {
            cannotAccept("this endpoint takes no binary messages");
            return;
        }
        if (tooBig(r, maxBinary, message.remaining(), message::remaining)) {
            return;
        }
        // On the event loop the runtime lends a window of its read buffer: take a copy that the
        // application may keep (off the loop the runtime has copied already).
        ByteBuffer data = ws.inEventLoop() ? PayloadConversion.copy(message) : message;
        deliver(() -> ((Receiver.Binary) r).body().accept(data, true));
    }

    /** One frame of a message (the runtime's message assembly is off): parts or assembly. */
    void onFragment(ByteBuffer data, boolean isText, boolean last) {
        touch();
        Receiver r = isText ? text : binary;
        if (r == null) {
            cannotAccept("this endpoint takes no " + (isText ? "text" : "binary") + " messages");
            return;
        }
        if (r.partial()) {
            ByteBuffer copy = PayloadConversion.copy(data);
            if (isText) {
                deliver(() -> ((Receiver.Text) r)
                        .body()
                        .accept(StandardCharsets.UTF_8.decode(copy).toString(), last));
            } else {
                deliver(() -> ((Receiver.Binary) r).body().accept(copy, last));
            }
            return;
        }
        if (assembling == null) {
            assembling = new ByteArrayOutputStream();
        }
        byte[] bytes = PayloadConversion.bytes(data);
        assembling.write(bytes, 0, bytes.length);
        int size = assembling.size();
        if (tooBig(r, isText ? maxText : maxBinary, size, () -> size)) {
            assembling = null;
            return;
        }
        if (last) {
            byte[] whole = assembling.toByteArray();
            assembling = null;
            if (isText) {
                onText(new String(whole, StandardCharsets.UTF_8));
            } else {
                onBinary(ByteBuffer.wrap(whole));
            }
        }
    }

    void onPong(ByteBuffer data) {
        Receiver r = pong;
        if (r == null) {
            return; // §2.2.5: pongs go to a handler only if there is one
        }
        ByteBuffer copy = PayloadConversion.copy(data);
        PongMessage message = () -> copy;
        deliver(() -> ((Receiver.Pong) r).body().accept(message, true));
    }

    /** Runs a receiver; what it throws goes to the endpoint's error handler (§5.2.2). */
    private void deliver(Delivery body) {
        try {
            body.run();
        } catch (Throwable t) {
            onError(t);
        }
    }

    /** A call into the application. */
    @FunctionalInterface
    private interface Delivery {
        void run() throws Throwable;
    }

    /**
     * §4.7.1 (WSC-4.7.1-1): a message over the handler's maxMessageSize closes with 1009; the
     * session's buffer sizes ({@code setMaxTextMessageBufferSize}) are held to the same rule.
     */
    private boolean tooBig(Receiver r, int sessionMax, int lowerBound, java.util.function.IntSupplier exact) {
        long max = r.maxMessageSize() > 0 ? r.maxMessageSize() : sessionMax;
        if (max <= 0 || (long) lowerBound * 3 <= max || exact.getAsInt() <= max) {
            return false;
        }
        closeQuietly(new CloseReason(CloseReason.CloseCodes.TOO_BIG, "message too big"));
        return true;
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return n;
    }

    /**
     * A message nothing here takes: RFC 6455 §7.4.1 code 1003 (a type of data it cannot accept),
     * as the {@code CloseReason.CloseCodes.CANNOT_ACCEPT} javadoc describes.
     */
    void cannotAccept(String why) {
        LOG.log(System.Logger.Level.DEBUG, "session {0}: {1}", id, why);
        closeQuietly(new CloseReason(CloseReason.CloseCodes.CANNOT_ACCEPT, why));
    }

    void onError(Throwable t) {
        try {
            endpoint.onError(this, t);
        } catch (Throwable again) {
            // §5.2.2 (WSC-5.2.2-4): an error handler's own failure is logged for later analysis.
            LOG.log(System.Logger.Level.WARNING, "error handler of session " + id + " failed", again);
        }
    }

    void onClose(int code, String reason) {
        cancelIdleCheck();
        handshake.sessions().remove(this);
        CloseReason local = containerClose;
        // §2.1.5: a close the container decided is reported as 1006 with the reason.
        CloseReason closeReason =
                local != null ? local : new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason);
        try {
            endpoint.onClose(this, closeReason);
        } catch (Throwable t) {
            onError(t); // §4.5 (WSC-4.5-3)
        } finally {
            decoders.destroy();
            encoders.destroy();
        }
    }

    // ------------------------------------------------------------------ handlers

    void setReceiver(NativeType type, Receiver r) {
        switch (type) {
            case TEXT -> text = r;
            case BINARY -> binary = r;
            case PONG -> pong = r;
        }
    }

    @Override
    public void addMessageHandler(MessageHandler handler) {
        add(MessageHandlerAdapter.typeOf(handler), handler);
    }

    @Override
    public <T> void addMessageHandler(Class<T> clazz, MessageHandler.Whole<T> handler) {
        add(clazz, handler);
    }

    @Override
    public <T> void addMessageHandler(Class<T> clazz, MessageHandler.Partial<T> handler) {
        add(clazz, handler);
    }

    private synchronized void add(Class<?> type, MessageHandler handler) {
        Receiver r = MessageHandlerAdapter.adapt(this, type, handler);
        NativeType kind = r instanceof Receiver.Text
                ? NativeType.TEXT
                : r instanceof Receiver.Binary ? NativeType.BINARY : NativeType.PONG;
        Receiver existing = kind == NativeType.TEXT ? text : kind == NativeType.BINARY ? binary : pong;
        if (existing != null) {
            // §2.1.3 (WSC-2.1.3-1/2): one handler per native message type.
            throw new IllegalStateException("a " + kind + " message handler is already registered");
        }
        setReceiver(kind, r);
    }

    @Override
    public synchronized Set<MessageHandler> getMessageHandlers() {
        Set<MessageHandler> out = new LinkedHashSet<>();
        for (Receiver r : new Receiver[] {text, binary, pong}) {
            if (r != null && r.handler() != null) {
                out.add(r.handler());
            }
        }
        return Collections.unmodifiableSet(out);
    }

    @Override
    public synchronized void removeMessageHandler(MessageHandler handler) {
        if (text != null && text.handler() == handler) {
            text = null;
        }
        if (binary != null && binary.handler() == handler) {
            binary = null;
        }
        if (pong != null && pong.handler() == handler) {
            pong = null;
        }
    }

    // ------------------------------------------------------------------ the rest of Session

    @Override
    public WebSocketContainer getContainer() {
        return container;
    }

    @Override
    public String getProtocolVersion() {
        return "13"; // RFC 6455 §4.1: Sec-WebSocket-Version
    }

    @Override
    public String getNegotiatedSubprotocol() {
        String s = ws.subprotocol();
        return s == null ? "" : s; // Session javadoc: the empty string when none was agreed
    }

    @Override
    public List<Extension> getNegotiatedExtensions() {
        List<Extension> out = new ArrayList<>();
        for (String e : ws.extensions()) {
            out.add(NegotiatedExtension.parse(e));
        }
        return out;
    }

    @Override
    public boolean isSecure() {
        return handshake.secure();
    }

    @Override
    public boolean isOpen() {
        return ws.readyState() == io.duplex.ReadyState.OPEN;
    }

    @Override
    public long getMaxIdleTimeout() {
        return maxIdleTimeout;
    }

    /**
     * Session javadoc: close after this many milliseconds without a message either way; zero or
     * less means never. The check runs on the container's timer and closes with 1001 Going Away
     * on the wire, reported to {@code onClose} as 1006 (§2.1.5).
     */
    @Override
    public void setMaxIdleTimeout(long milliseconds) {
        this.maxIdleTimeout = milliseconds;
        cancelIdleCheck();
        if (milliseconds > 0) {
            scheduleIdleCheck(milliseconds);
        }
    }

    private void scheduleIdleCheck(long delayMillis) {
        idleCheck = container.timer().schedule(this::checkIdle, delayMillis, TimeUnit.MILLISECONDS);
    }

    private void checkIdle() {
        long timeout = maxIdleTimeout;
        if (timeout <= 0 || !isOpen()) {
            return;
        }
        long idle = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastActivity);
        if (idle >= timeout) {
            containerClose = new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, "idle timeout");
            ws.close(CloseReason.CloseCodes.GOING_AWAY.getCode(), "idle timeout");
        } else {
            scheduleIdleCheck(timeout - idle);
        }
    }

    private void cancelIdleCheck() {
        ScheduledFuture<?> f = idleCheck;
        if (f != null) {
            f.cancel(false);
        }
    }

    private void touch() {
        lastActivity = System.nanoTime();
    }

    /**
     * Limits above the runtime's message limit are held to it: the engine closes with 1009 before
     * a larger message is read into memory (docs/ARCHITECTURE.md invariant 7), whatever is asked.
     */
    @Override
    public void setMaxBinaryMessageBufferSize(int length) {
        this.maxBinary = container.capped(length);
    }

    @Override
    public int getMaxBinaryMessageBufferSize() {
        return maxBinary;
    }

    @Override
    public void setMaxTextMessageBufferSize(int length) {
        this.maxText = container.capped(length);
    }

    @Override
    public int getMaxTextMessageBufferSize() {
        return maxText;
    }

    @Override
    public RemoteEndpoint.Async getAsyncRemote() {
        return async;
    }

    @Override
    public RemoteEndpoint.Basic getBasicRemote() {
        return basic;
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public void close() throws IOException {
        close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, ""));
    }

    @Override
    public void close(CloseReason closeReason) throws IOException {
        sender.flush();
        try {
            ws.close(closeReason.getCloseCode().getCode(), closeReason.getReasonPhrase());
        } catch (RuntimeException e) {
            throw new IOException("cannot close with " + closeReason + ": " + e.getMessage(), e);
        }
    }

    private void closeQuietly(CloseReason reason) {
        try {
            close(reason);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "close of session " + id + " failed", e);
        }
    }

    @Override
    public URI getRequestURI() {
        return handshake.requestUri();
    }

    @Override
    public Map<String, List<String>> getRequestParameterMap() {
        return handshake.parameters();
    }

    @Override
    public String getQueryString() {
        return handshake.queryString();
    }

    @Override
    public Map<String, String> getPathParameters() {
        return handshake.pathParameters();
    }

    @Override
    public Map<String, Object> getUserProperties() {
        return userProperties;
    }

    @Override
    public Principal getUserPrincipal() {
        return handshake.principal();
    }

    /** Session javadoc: the open sessions of the same endpoint, this one included. */
    @Override
    public Set<Session> getOpenSessions() {
        Set<Session> open = new LinkedHashSet<>();
        for (DuplexSession s : handshake.sessions()) {
            if (s.isOpen()) {
                open.add(s);
            }
        }
        return Collections.unmodifiableSet(open);
    }

    @Override
    public String toString() {
        return "DuplexSession[" + id + " " + handshake.requestUri() + "]";
    }
}
