package io.duplex.socketio;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One Socket.IO protocol v5 packet as parsed: type, namespace, ack id ({@code -1}: none), the JSON
 * data (or null) and how many binary attachments follow it.
 *
 * <p>Threading: immutable once parsed (the JSON tree is not changed).
 */
record SioPacket(int type, String nsp, long ackId, JsonNode data, int attachments) {
    static final int CONNECT = 0;
    static final int DISCONNECT = 1;
    static final int EVENT = 2;
    static final int ACK = 3;
    static final int CONNECT_ERROR = 4;
    static final int BINARY_EVENT = 5;
    static final int BINARY_ACK = 6;
}
