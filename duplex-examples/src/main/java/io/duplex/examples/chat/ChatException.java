package io.duplex.examples.chat;

/**
 * A client message that cannot be carried out; answered with an {@code error} message carrying
 * {@link #code()} and the (peer-safe) message. No stack trace: it is control flow, not a bug.
 *
 * <p>Threading: immutable.
 */
final class ChatException extends Exception {
    private final ErrorCode code;

    ChatException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    ErrorCode code() {
        return code;
    }
}
