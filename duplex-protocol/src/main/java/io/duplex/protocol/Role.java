package io.duplex.protocol;

/**
 * Which end of the connection an engine plays. Decides masking (RFC 6455 §5.1: clients mask every
 * frame, servers never do) and who closes the TCP connection first (§7.1.1: the server).
 *
 * <p>Threading: an enum; immutable.
 */
public enum Role {
    CLIENT,
    SERVER
}
