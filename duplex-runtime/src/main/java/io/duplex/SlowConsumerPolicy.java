package io.duplex;

/**
 * What happens when a message would push a socket's outbound buffer past its limit.
 *
 * <p>Threading: an enum; immutable.
 */
public enum SlowConsumerPolicy {
    /** Drop that message for that socket ({@link SendResult#DROPPED}); the connection lives on. */
    DROP,
    /**
     * Close the connection with 1008 (policy violation) and drop the message: a consumer that cannot
     * keep up is cut off rather than allowed to grow server memory. The default.
     */
    CLOSE
}
