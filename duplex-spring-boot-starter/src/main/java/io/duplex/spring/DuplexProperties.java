package io.duplex.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code duplex.*} properties of the auto-configured server. Unset limits keep Duplex's
 * defaults (docs/ARCHITECTURE.md, "Defaults").
 *
 * <p>Threading: bound once by Spring on the starting thread, then only read.
 */
@ConfigurationProperties(prefix = "duplex")
public class DuplexProperties {
    /** Whether to start a server at all. */
    private boolean enabled = true;
    /** The address to listen on. */
    private String host = "0.0.0.0";
    /** The port to listen on (0: a free port, see DuplexServer.port()). */
    private int port = 8080;
    /** Event loop threads (default: one per CPU). */
    private Integer eventLoops;
    /** Largest message accepted, after inflation (default 1MB). */
    private DataSize maxMessageSize;
    /** Largest frame accepted (default 1MB). */
    private DataSize maxFrameSize;
    /** Bytes a connection may have queued before the slow-consumer policy applies (default 1MB). */
    private DataSize outboundLimit;
    /** Most connections at once, the handshake included (default: no limit). */
    private Integer maxConnections;
    /** Most connections from one address (default: no limit). */
    private Integer maxConnectionsPerAddress;
    /** Time allowed for the opening handshake (default 10s). */
    private Duration handshakeTimeout;
    /** Keepalive Ping interval (default 30s; 0 turns keepalive off). */
    private Duration pingInterval;
    /** Close after this long without a message (default: never). */
    private Duration idleTimeout;
    /** Origins browsers may connect from; empty: same origin only; "*": any. */
    private List<String> allowedOrigins = new ArrayList<>();
    /** Negotiate permessage-deflate when clients offer it. */
    private boolean compression = true;
    /** How long a graceful stop waits for close handshakes before aborting the rest. */
    private Duration shutdownTimeout = Duration.ofSeconds(10);

    private final Tls tls = new Tls();
    private final Redis redis = new Redis();

    /** TLS ({@code wss://}) from PEM files. */
    public static class Tls {
        /** PEM certificate chain; with key-file, the server speaks wss://. */
        private String certificateFile;
        /** PEM private key (PKCS#8). */
        private String keyFile;

        public String getCertificateFile() {
            return certificateFile;
        }

        public void setCertificateFile(String certificateFile) {
            this.certificateFile = certificateFile;
        }

        public String getKeyFile() {
            return keyFile;
        }

        public void setKeyFile(String keyFile) {
            this.keyFile = keyFile;
        }
    }

    /** Publish/subscribe across nodes on Redis (needs duplex-redis on the class path). */
    public static class Redis {
        /** redis:// or rediss:// URI; when set, the server's broker is a RedisBroker. */
        private String uri;

        public String getUri() {
            return uri;
        }

        public void setUri(String uri) {
            this.uri = uri;
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public Integer getEventLoops() {
        return eventLoops;
    }

    public void setEventLoops(Integer eventLoops) {
        this.eventLoops = eventLoops;
    }

    public DataSize getMaxMessageSize() {
        return maxMessageSize;
    }

    public void setMaxMessageSize(DataSize maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    public DataSize getMaxFrameSize() {
        return maxFrameSize;
    }

    public void setMaxFrameSize(DataSize maxFrameSize) {
        this.maxFrameSize = maxFrameSize;
    }

    public DataSize getOutboundLimit() {
        return outboundLimit;
    }

    public void setOutboundLimit(DataSize outboundLimit) {
        this.outboundLimit = outboundLimit;
    }

    public Integer getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(Integer maxConnections) {
        this.maxConnections = maxConnections;
    }

    public Integer getMaxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }

    public void setMaxConnectionsPerAddress(Integer maxConnectionsPerAddress) {
        this.maxConnectionsPerAddress = maxConnectionsPerAddress;
    }

    public Duration getHandshakeTimeout() {
        return handshakeTimeout;
    }

    public void setHandshakeTimeout(Duration handshakeTimeout) {
        this.handshakeTimeout = handshakeTimeout;
    }

    public Duration getPingInterval() {
        return pingInterval;
    }

    public void setPingInterval(Duration pingInterval) {
        this.pingInterval = pingInterval;
    }

    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    public List<String> getAllowedOrigins() {
        return allowedOrigins;
    }

    public void setAllowedOrigins(List<String> allowedOrigins) {
        this.allowedOrigins = allowedOrigins;
    }

    public boolean isCompression() {
        return compression;
    }

    public void setCompression(boolean compression) {
        this.compression = compression;
    }

    public Duration getShutdownTimeout() {
        return shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    public Tls getTls() {
        return tls;
    }

    public Redis getRedis() {
        return redis;
    }
}
