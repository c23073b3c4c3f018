package io.duplex.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Who one server connection is from: the socket's peer, the source a trusted load balancer's
 * PROXY protocol header named, the key the per-address connection limit counts it under (set
 * once counted, so the release matches the admission), and whether it is counted among the
 * connections with permessage-deflate (so the release uncounts it too). It is also the
 * connection's {@link Connection.Listener}: when the connection is gone, it has its server release
 * those counts and forget the connection (one object per connection for both, not a capturing
 * lambda besides).
 *
 * <p>Threading: confined to the connection's event loop once registered; the accept loop fills it
 * in before that (handed over through the loop's task queue).
 */
public final class ClientAddress implements Connection.Listener {
    /** Told when the connection is gone; see {@link #onDestroyed}. */
    interface Owner {
        void released(ClientAddress client, Connection gone);

        /** The server's connections, which count this one until {@link #released}; null for none. */
        default ConnectionSet connections() {
            return null;
        }
    }

    private final InetSocketAddress socketPeer;
    private final Owner owner;
    private InetSocketAddress proxied;
    private InetAddress countedKey;
    private boolean countedDeflate;

    public ClientAddress(InetSocketAddress socketPeer, Owner owner) {
        this.socketPeer = socketPeer;
        this.owner = owner;
    }

    @Override
    public void onDestroyed(Connection c) {
        owner.released(this, c);
    }

    @Override
    public ConnectionSet countedIn() {
        return owner.connections();
    }

    public InetSocketAddress socketPeer() {
        return socketPeer;
    }

    /** The socket peer, or the PROXY protocol header's source when a trusted balancer sent one. */
    public InetSocketAddress connectedFrom() {
        return proxied != null ? proxied : socketPeer;
    }

    void proxied(InetSocketAddress source) {
        this.proxied = source;
    }

    /** The per-address limit's key this connection is counted under, or null if not counted. */
    InetAddress countedKey() {
        return countedKey;
    }

    void countedKey(InetAddress key) {
        this.countedKey = key;
    }

    /** Whether this connection is counted in {@link ConnectionLimits#deflateConnections()}. */
    boolean countedDeflate() {
        return countedDeflate;
    }

    void countedDeflate(boolean counted) {
        this.countedDeflate = counted;
    }
}
