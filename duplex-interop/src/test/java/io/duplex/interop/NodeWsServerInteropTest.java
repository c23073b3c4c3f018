package io.duplex.interop;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Duplex client × Node {@code ws} server ({@code src/test/node/ws-echo-server.js}). */
class NodeWsServerInteropTest extends DuplexClientInteropTest {

    @Override
    Peer peer() {
        return Peer.NODE_WS;
    }

    @Override
    PeerServer startServer(boolean tls) {
        List<String> command =
                new ArrayList<>(List.of(Peers.node().orElseThrow().toString(), "ws-echo-server.js"));
        if (tls) {
            TestCertificate c = TestCertificate.get();
            command.addAll(List.of(
                    "--tls", c.certificatePem().toString(), c.privateKeyPem().toString()));
        }
        return PeerServer.start(tls ? "node-ws-server-tls" : "node-ws-server", command, Peers.nodeDir());
    }

    @Test
    void permessageDeflate() {
        deflateScenario();
    }
}
