package io.duplex.testkit;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing browser skips a browser test locally and fails it in CI. */
class BrowserPrerequisitesTest {

    @Test
    void missingPiecesSkipLocallyAndFailUnderCi() {
        BrowserPrerequisites browser = BrowserPrerequisites.of("duplex-examples", "examples");
        Optional<String> missing = Optional.of("/usr/bin/chromium does not exist");
        assertThatThrownBy(() -> browser.require(missing, null))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("chromium")
                .hasMessageContaining("npm ci --prefix duplex-examples/src/test/node");
        assertThatThrownBy(() -> browser.require(missing, "true"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("CI=true");
        assertThatCode(() -> browser.require(Optional.empty(), "true")).doesNotThrowAnyException();
    }
}
