package io.duplex.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link EventLoop#closeDeregistered}: a socket whose key was cancelled is closed right after the
 * next select, without waiting for a tick or for other work, and a loop that stops closes the
 * sockets it still had to close.
 */
class EventLoopCloseTest {
    /** Far beyond the reads' timeout: a close that waited for a tick would fail the test. */
    private static final long TICK_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final EventLoop loop = new EventLoop("close-test", TICK_NANOS, 4096, new OutboundBudget(1 << 20));
    private ServerSocketChannel listener;
    private SocketChannel peer;
    private SocketChannel accepted;

    @BeforeEach
    void connect() throws Exception {
        loop.start();
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        peer = SocketChannel.open(listener.getLocalAddress());
        accepted = listener.accept();
        accepted.configureBlocking(false);
        peer.socket().setSoTimeout(5_000);
    }

    @AfterEach
    void close() throws Exception {
        loop.shutdown().get(5, TimeUnit.SECONDS);
        peer.close();
        accepted.close();
        listener.close();
    }

    /** Runs {@code task} on the loop and waits for it. */
    private void onLoop(ThrowingRunnable task) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                task.run();
                done.complete(null);
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        });
        done.get(5, TimeUnit.SECONDS);
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void aCancelledSocketIsClosedAfterTheNextSelectAndItsPeerReadsTheEnd() throws Exception {
        SelectionKey[] key = new SelectionKey[1];
        onLoop(() -> key[0] = loop.register(accepted, SelectionKey.OP_READ, k -> {}));
        onLoop(() -> {
            key[0].cancel();
            loop.closeDeregistered(accepted);
            assertThat(accepted.isOpen()).isTrue(); // not yet: its key is still registered
        });
        InputStream in = peer.socket().getInputStream();
        int read;
        try {
            read = in.read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the loop, idle after the cancel, never closed the socket", e);
        }
        assertThat(read).isEqualTo(-1);
        assertThat(accepted.isOpen()).isFalse();
    }

    @Test
    void aLoopThatStopsClosesTheSocketsItStillHadToClose() throws Exception {
        onLoop(() -> {
            SelectionKey key = loop.register(accepted, SelectionKey.OP_READ, k -> {});
            key.cancel();
            loop.closeDeregistered(accepted);
            loop.shutdown();
        });
        loop.shutdown().get(5, TimeUnit.SECONDS);
        assertThat(accepted.isOpen()).isFalse();
        assertThat(peer.socket().getInputStream().read()).isEqualTo(-1);
    }
}
