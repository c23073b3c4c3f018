package io.duplex.examples.chat;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing browser skips the e2e test locally and fails it in CI. */
class E2EPrerequisitesTest {

    @Test
    void missingPiecesSkipLocallyAndFailUnderCi() {
        Optional<String> missing = Optional.of("/usr/bin/chromium does not exist");
        assertThatThrownBy(() -> E2EPrerequisites.require(missing, null))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("chromium")
                .hasMessageContaining("npm ci");
        assertThatThrownBy(() -> E2EPrerequisites.require(missing, "true"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("CI=true");
        assertThatCode(() -> E2EPrerequisites.require(Optional.empty(), "true")).doesNotThrowAnyException();
    }
}
