package io.duplex.frame;

/**
 * Raised inside the engine when the peer breaks a rule; carries the {@link Violation} that decides
 * the close code. The engine turns it into "fail the WebSocket connection" (RFC 6455 §7.1.7) in one
 * place, so callers of {@code Protocol} normally see a {@code Close} event instead.
 *
 * <p>Threading: immutable; safe to share.
 */
public final class ProtocolViolationException extends WebSocketException {
    private static final long serialVersionUID = 1L;
    private final transient Violation violation;

    public ProtocolViolationException(Violation violation) {
        super(violation.reason());
        this.violation = violation;
    }

    public ProtocolViolationException(Violation violation, String detail) {
        super(violation.reason() + ": " + detail);
        this.violation = violation;
    }

    public Violation violation() {
        return violation;
    }
}
