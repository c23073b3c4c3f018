package io.duplex;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

/**
 * The browser-safe way to send a bearer token with a WebSocket upgrade: browsers cannot set an
 * {@code Authorization} header on {@code new WebSocket(url, protocols)}, and a token in the URL
 * ends up in access logs, so the token travels as one more offered subprotocol,
 * {@code bearer.<token>}, next to the real one:
 *
 * <pre>{@code
 * new WebSocket("wss://example.com/ws", ["chat.v1", "bearer." + token]);       // browser
 * WebSocketClient.builder().subprotocols(BearerSubprotocol.offer(token, "chat.v1"))  // Java
 * }</pre>
 *
 * <p>The server must answer with a subprotocol it actually speaks, never the token (RFC 6455
 * §4.2.2: the answer is one of the offered values, and echoing the token would hand it back in a
 * response header that proxies and browsers log). {@link #upgrader} enforces that: it refuses a
 * request without a token (401) or without a subprotocol the server speaks besides the token (400:
 * a browser fails a connection whose answer names no subprotocol when it offered some), and never
 * lets a decision choose the token. The token must consist of HTTP token characters (RFC 7230
 * §3.2.6), which JWTs and base64url strings do.
 *
 * <p>Threading: stateless; safe from any thread.
 */
public final class BearerSubprotocol {
    /** The prefix of the offered value that carries the token. */
    public static final String PREFIX = "bearer.";

    private BearerSubprotocol() {}

    /** The subprotocols a client offers: {@code protocols} (at least one), then the token. */
    public static List<String> offer(String token, String... protocols) {
        if (protocols.length == 0) {
            throw new IllegalArgumentException("offer at least one real subprotocol besides the token");
        }
        if (token == null || token.isEmpty() || !isToken(token)) {
            throw new IllegalArgumentException("a bearer token in Sec-WebSocket-Protocol must be an HTTP token");
        }
        List<String> out = new ArrayList<>(List.of(protocols));
        out.add(PREFIX + token);
        return out;
    }

    /** RFC 7230 §3.2.6: token = 1*tchar. */
    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (!alnum && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The token a request offered, or {@code null}. */
    public static String token(UpgradeRequest request) {
        for (String p : request.offeredSubprotocols()) {
            if (p.startsWith(PREFIX) && p.length() > PREFIX.length()) {
                return p.substring(PREFIX.length());
            }
        }
        return null;
    }

    /**
     * An upgrader that takes the token from the offered subprotocols and asks {@code verify}
     * (asynchronously, e.g. a token service); the server's own subprotocol choice stands (configure
     * the real ones with {@link WebSocketConfig.Builder#subprotocols}), and a decision that names
     * the token as its subprotocol is answered 500.
     */
    public static AsyncUpgrader upgrader(BiFunction<String, UpgradeRequest, CompletionStage<UpgradeDecision>> verify) {
        return request -> {
            String token = token(request);
            if (token == null) {
                return CompletableFuture.completedFuture(UpgradeDecision.reject(401, "bearer token required"));
            }
            if (request.selectedSubprotocol() == null) {
                return CompletableFuture.completedFuture(
                        UpgradeDecision.reject(400, "offer a subprotocol this server speaks besides the token"));
            }
            return verify.apply(token, request).thenApply(d -> {
                if (d instanceof UpgradeDecision.Accept a
                        && a.subprotocol() != null
                        && a.subprotocol().startsWith(PREFIX)) {
                    throw new IllegalStateException("an upgrader must never answer with the bearer token");
                }
                return d;
            });
        };
    }
}
