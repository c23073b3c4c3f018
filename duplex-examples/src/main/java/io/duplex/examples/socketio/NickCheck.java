package io.duplex.examples.socketio;

import io.duplex.socketio.Middleware;
import io.duplex.socketio.SioSocket;

/**
 * The namespace middleware that lets a page in only with a usable nickname in its handshake's
 * {@code auth} ({@code io({auth: {nick}})}): stripped of surrounding white space, 1 to {@value
 * #MAX_NICK} characters (UTF-16 units, as the page's {@code String.length}), no control
 * characters. A refusal is a CONNECT_ERROR whose message the page shows as it is and whose data
 * ({@link Wire.Refusal}) says which rule failed. The nickname is kept in the socket's {@code
 * data} as {@code nick}, so a recovered socket has it again without this check running (Socket.IO's
 * {@code skipMiddlewares}).
 *
 * <p>Threading: stateless; runs on the connecting socket's session queue.
 */
final class NickCheck implements Middleware {
    static final int MAX_NICK = 32;

    @Override
    public void handle(SioSocket socket, Next next) {
        Object given = socket.handshake().auth().get("nick");
        String nick = given instanceof String s ? s.strip() : "";
        if (nick.isEmpty()) {
            next.reject("Choose a nickname first.", new Wire.Refusal("nick", "empty", MAX_NICK));
        } else if (nick.length() > MAX_NICK) {
            next.reject(
                    "Nickname too long: at most " + MAX_NICK + " characters.",
                    new Wire.Refusal("nick", "too-long", MAX_NICK));
        } else if (nick.chars().anyMatch(NickCheck::unprintable)) {
            next.reject(
                    "A nickname cannot hold control characters.",
                    new Wire.Refusal("nick", "control-characters", MAX_NICK));
        } else {
            socket.data().put("nick", nick);
            next.proceed();
        }
    }

    /** Control characters, and the bidirectional overrides that could make one nick look like another. */
    private static boolean unprintable(int c) {
        return Character.isISOControl(c) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }
}
