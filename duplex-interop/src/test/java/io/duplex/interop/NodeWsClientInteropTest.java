package io.duplex.interop;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Duplex server × Node {@code ws} client ({@code src/test/node/ws-client.js}). */
class NodeWsClientInteropTest extends DuplexServerInteropTest {

    @Override
    Peer peer() {
        return Peer.NODE_WS;
    }

    @Override
    ClientReport run(String scenario, URI url) {
        List<String> command = new ArrayList<>(
                List.of(Peers.node().orElseThrow().toString(), "ws-client.js", url.toString(), scenario));
        if (url.getScheme().equals("wss")) {
            command.addAll(
                    List.of("--ca", TestCertificate.get().certificatePem().toString()));
        }
        return ScriptedClient.run("node-ws-client-" + scenario, command, Peers.nodeDir());
    }

    @Test
    void permessageDeflate() {
        deflateScenario();
    }
}
