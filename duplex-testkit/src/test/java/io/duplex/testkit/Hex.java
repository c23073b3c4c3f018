package io.duplex.testkit;

import java.util.HexFormat;

/** Hex fixtures for tests: spaces are ignored. */
final class Hex {
    private Hex() {}

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }
}
