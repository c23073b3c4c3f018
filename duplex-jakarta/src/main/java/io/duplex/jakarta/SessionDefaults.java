package io.duplex.jakarta;

import io.duplex.WebSocketConfig;
import io.duplex.extension.ExtensionFactory;
import jakarta.websocket.Extension;
import jakarta.websocket.WebSocketContainer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * What the server and the client containers share: the session defaults of {@link
 * WebSocketContainer} mapped onto a Duplex {@link WebSocketConfig} — buffer sizes default to, and
 * are capped at, its message limit; the idle timeout starts from its {@code idleTimeout} — and the
 * one timer thread of idle timeouts.
 *
 * <p>Threading: safe from any thread.
 */
abstract class SessionDefaults implements WebSocketContainer {
    private final int runtimeMaxMessage;
    private final List<Extension> installed;
    private volatile long defaultIdleTimeout;
    private volatile int defaultMaxText;
    private volatile int defaultMaxBinary;
    private volatile long defaultSendTimeout;
    private ScheduledExecutorService timer;

    SessionDefaults(WebSocketConfig config, long defaultIdleTimeout) {
        this.runtimeMaxMessage =
                (int) Math.min(Integer.MAX_VALUE, config.protocol().maxMessageSize());
        this.installed = config.extensions().stream()
                .map(ExtensionFactory::name)
                .map(n -> (Extension) new NegotiatedExtension(n, List.of()))
                .toList();
        this.defaultIdleTimeout = defaultIdleTimeout;
        this.defaultMaxText = runtimeMaxMessage;
        this.defaultMaxBinary = runtimeMaxMessage;
    }

    /** A buffer size held to the runtime's message limit (secure default kept). */
    int capped(int length) {
        return length <= 0 ? runtimeMaxMessage : Math.min(length, runtimeMaxMessage);
    }

    synchronized ScheduledExecutorService timer() {
        if (timer == null) {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
                Thread th = new Thread(r, "duplex-jakarta-timer");
                th.setDaemon(true);
                return th;
            });
            t.setRemoveOnCancelPolicy(true);
            timer = t;
        }
        return timer;
    }

    synchronized void shutdown() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    @Override
    public long getDefaultAsyncSendTimeout() {
        return defaultSendTimeout;
    }

    @Override
    public void setAsyncSendTimeout(long timeoutmillis) {
        this.defaultSendTimeout = timeoutmillis;
    }

    @Override
    public long getDefaultMaxSessionIdleTimeout() {
        return defaultIdleTimeout;
    }

    @Override
    public void setDefaultMaxSessionIdleTimeout(long timeout) {
        this.defaultIdleTimeout = timeout;
    }

    @Override
    public int getDefaultMaxBinaryMessageBufferSize() {
        return defaultMaxBinary;
    }

    @Override
    public void setDefaultMaxBinaryMessageBufferSize(int max) {
        this.defaultMaxBinary = capped(max);
    }

    @Override
    public int getDefaultMaxTextMessageBufferSize() {
        return defaultMaxText;
    }

    @Override
    public void setDefaultMaxTextMessageBufferSize(int max) {
        this.defaultMaxText = capped(max);
    }

    @Override
    public Set<Extension> getInstalledExtensions() {
        return new HashSet<>(installed);
    }
}
