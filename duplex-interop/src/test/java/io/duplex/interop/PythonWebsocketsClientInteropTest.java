package io.duplex.interop;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Duplex server × Python {@code websockets} client ({@code src/test/python/client.py}, run by
 * Debian's {@code /usr/bin/python3}).
 */
class PythonWebsocketsClientInteropTest extends DuplexServerInteropTest {

    @Override
    Peer peer() {
        return Peer.PYTHON_WEBSOCKETS;
    }

    @Override
    ClientReport run(String scenario, URI url) {
        List<String> command =
                new ArrayList<>(List.of(Peers.PYTHON.toString(), "-B", "client.py", url.toString(), scenario));
        if (url.getScheme().equals("wss")) {
            command.addAll(
                    List.of("--ca", TestCertificate.get().certificatePem().toString()));
        }
        return ScriptedClient.run("python-client-" + scenario, command, Peers.pythonDir());
    }

    @Test
    void permessageDeflate() {
        deflateScenario();
    }
}
