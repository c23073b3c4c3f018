package io.duplex.interop;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Duplex client × Python {@code websockets} server ({@code src/test/python/echo_server.py}, run
 * by Debian's {@code /usr/bin/python3}).
 */
class PythonWebsocketsServerInteropTest extends DuplexClientInteropTest {

    @Override
    Peer peer() {
        return Peer.PYTHON_WEBSOCKETS;
    }

    @Override
    PeerServer startServer(boolean tls) {
        List<String> command = new ArrayList<>(List.of(Peers.PYTHON.toString(), "-B", "echo_server.py"));
        if (tls) {
            TestCertificate c = TestCertificate.get();
            command.addAll(List.of(
                    "--tls", c.certificatePem().toString(), c.privateKeyPem().toString()));
        }
        return PeerServer.start(tls ? "python-server-tls" : "python-server", command, Peers.pythonDir());
    }

    @Test
    void permessageDeflate() {
        deflateScenario();
    }
}
