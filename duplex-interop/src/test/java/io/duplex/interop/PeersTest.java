package io.duplex.interop;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing peer skips a developer's run but fails CI's: nothing is skipped silently in CI. */
class PeersTest {

    @Test
    void installedPeerGoesOn() {
        assertThatCode(() -> Peers.require(Peer.NODE_WS, Optional.empty(), "true"))
                .doesNotThrowAnyException();
    }

    @Test
    void missingPeerIsSkippedWithTheReasonOutsideCi() {
        assertThatThrownBy(() -> Peers.require(Peer.CHROMIUM, Optional.of("/usr/bin/chromium does not exist"), null))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("/usr/bin/chromium does not exist")
                .hasMessageContaining("apt-get install chromium");
    }

    @Test
    void missingPeerFailsInCi() {
        assertThatThrownBy(() -> Peers.require(Peer.PYTHON_WEBSOCKETS, Optional.of("no module"), "true"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("CI=true");
    }
}
