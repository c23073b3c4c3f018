package io.duplex.interop;

/** A real WebSocket implementation we did not write, and how it gets onto a machine. */
enum Peer {
    JDK("the JDK's java.net.http.WebSocket", "part of the JDK"),
    NODE_WS("Node ws", "npm ci --prefix duplex-interop/src/test/node (.ci/run does)"),
    PYTHON_WEBSOCKETS(
            "Python websockets", "apt-get install python3-websockets (.ci/run does); run with /usr/bin/python3"),
    CHROMIUM(
            "Chromium driven by playwright-core",
            "apt-get install chromium and npm ci --prefix duplex-interop/src/test/node (.ci/run does)");

    final String description;
    final String install;

    Peer(String description, String install) {
        this.description = description;
        this.install = install;
    }
}
