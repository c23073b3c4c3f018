package io.duplex.topics.client;

/**
 * Where the browser client ({@code topics.js}, an ES module without dependencies) sits on the
 * class path, so a server can serve it next to its pages: {@code
 * WebSocketServer.builder().staticResources(TopicsClientScript.FOLDER)} answers {@code GET
 * /topics.js}. The same file is the npm package {@code duplex-topics} (src/main/js).
 *
 * <p>Threading: constants only.
 */
public final class TopicsClientScript {
    /** The class-path folder holding {@code topics.js}. */
    public static final String FOLDER = "io/duplex/topics/js";

    /** The class-path resource name of the script. */
    public static final String RESOURCE = FOLDER + "/topics.js";

    private TopicsClientScript() {}
}
