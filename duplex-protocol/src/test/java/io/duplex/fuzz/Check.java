package io.duplex.fuzz;

import java.util.function.Supplier;

/**
 * Oracle assertions for the fuzz targets: cheap on the hot path (no message built unless the check
 * fails), and an {@link AssertionError}, which Jazzer reports as a finding with its input.
 */
final class Check {
    private Check() {}

    static void that(boolean condition, Supplier<String> message) {
        if (!condition) {
            throw new AssertionError(message.get());
        }
    }

    static void equal(Object expected, Object actual, String what) {
        if (!java.util.Objects.equals(expected, actual)) {
            throw new AssertionError(what + ": expected <" + expected + "> but was <" + actual + ">");
        }
    }
}
