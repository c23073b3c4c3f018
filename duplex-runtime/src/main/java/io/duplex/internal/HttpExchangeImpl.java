package io.duplex.internal;

import io.duplex.HttpExchange;
import io.duplex.handshake.Headers;
import io.duplex.handshake.HttpHead;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request on a keep-alive HTTP connection and its response: the body as it is read
 * (allocated once the declared length passed the limit, invariant 7), the response handed to the
 * loop from whichever thread answers, and the disconnect callback.
 *
 * <p>Threading: {@link #respond} and the accessors from any thread; everything else on the
 * connection's event loop.
 */
final class HttpExchangeImpl implements HttpExchange {
    private static final Set<String> RESERVED = Set.of("content-length", "connection", "transfer-encoding");

    private final Connection connection;
    private final ServerUpgrade owner;
    private final String method;
    private final String path;
    private final String query;
    private final Headers headers;
    private final InetSocketAddress remote;
    private final InetSocketAddress client;
    private final boolean keepAlive;
    private final byte[] body;
    private int bodyRead;
    private final AtomicBoolean responded = new AtomicBoolean();
    /** Loop-confined: the disconnect callback, and whether the connection ended. */
    private Runnable onDisconnect;

    /** Volatile: {@link #respond} on another thread learns the client is gone. */
    private volatile boolean disconnected;

    HttpExchangeImpl(
            Connection connection,
            ServerUpgrade owner,
            HttpHead.Request request,
            String path,
            String query,
            InetSocketAddress remote,
            InetSocketAddress client,
            int contentLength) {
        this.connection = connection;
        this.owner = owner;
        this.method = request.method();
        this.path = path;
        this.query = query;
        this.headers = request.headers();
        this.remote = remote;
        this.client = client;
        this.keepAlive = request.version().equals("HTTP/1.1") && !headers.containsToken("Connection", "close");
        this.body = new byte[contentLength];
    }

    /** Loop: takes body bytes from {@code in}; true once the body is complete. */
    boolean feed(ByteBuffer in) {
        int n = Math.min(in.remaining(), body.length - bodyRead);
        in.get(body, bodyRead, n);
        bodyRead += n;
        return bodyRead == body.length;
    }

    boolean keepAlive() {
        return keepAlive;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String query() {
        return query;
    }

    @Override
    public Headers headers() {
        return headers;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public InetSocketAddress clientAddress() {
        return client;
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public boolean responded() {
        return responded.get();
    }

    @Override
    public boolean respond(int status, Headers extra, byte[] content) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status must be 200 to 599");
        }
        for (Headers.Field f : extra.fields()) {
            if (RESERVED.contains(f.name().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("header is set by the server: " + f.name());
            }
        }
        if (!responded.compareAndSet(false, true)) {
            throw new IllegalStateException("already responded");
        }
        if (disconnected || connection.isDestroyed()) {
            return false;
        }
        Headers h = extra.toBuilder()
                .add("Content-Length", Integer.toString(content.length))
                .add("Connection", keepAlive ? "keep-alive" : "close")
                .build();
        ByteBuffer head = new HttpHead.Response("HTTP/1.1", status, reason(status), h).encode();
        boolean withBody = !method.equals("HEAD");
        ByteBuffer out = ByteBuffer.allocate(head.remaining() + (withBody ? content.length : 0));
        out.put(head);
        if (withBody) {
            out.put(content);
        }
        out.flip();
        connection.loop().execute(() -> owner.answered(connection, this, out));
        return true;
    }

    @Override
    public void onDisconnect(Runnable callback) {
        Runnable register = () -> {
            if (disconnected) {
                if (!responded.get()) {
                    callback.run();
                }
            } else {
                onDisconnect = callback;
            }
        };
        if (connection.loop().inLoop()) {
            register.run();
        } else {
            connection.loop().execute(register);
        }
    }

    /** Loop: the connection ended; tells the handler if it had not answered yet. */
    void disconnected() {
        if (disconnected) {
            return;
        }
        disconnected = true;
        Runnable r = onDisconnect;
        onDisconnect = null;
        if (r != null && !responded.get()) {
            r.run();
        }
    }

    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }
}
