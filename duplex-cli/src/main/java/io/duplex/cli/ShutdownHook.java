package io.duplex.cli;

/**
 * A JVM shutdown hook that a long-running command ({@code serve}, {@code inspect}, {@code
 * connect}) holds while it runs, so that SIGINT/SIGTERM end it cleanly; it removes the hook when
 * it returns on its own. Disabled (a no-op) when the command runs inside tests, which stop it
 * themselves.
 *
 * <p>Threading: {@link #install} and {@link #close()} on the command's thread; the action runs on
 * the JVM's shutdown thread.
 */
public final class ShutdownHook implements AutoCloseable {
    private final Thread thread;

    private ShutdownHook(Thread thread) {
        this.thread = thread;
    }

    /**
     * @param enabled whether to register the hook at all (the real process)
     * @param name the hook thread's name
     * @param action what to do when the JVM shuts down; it should wait, bounded, until the command
     *     has finished, because the JVM halts once every hook has returned
     */
    public static ShutdownHook install(boolean enabled, String name, Runnable action) {
        if (!enabled) {
            return new ShutdownHook(null);
        }
        Thread thread = new Thread(action, name);
        Runtime.getRuntime().addShutdownHook(thread);
        return new ShutdownHook(thread);
    }

    /** Removes the hook; when the JVM is already shutting down the hook is running, which is fine. */
    @Override
    public void close() {
        if (thread == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(thread);
        } catch (IllegalStateException shuttingDown) {
            // The hook is what ends the command: the JVM is exiting anyway.
        }
    }
}
