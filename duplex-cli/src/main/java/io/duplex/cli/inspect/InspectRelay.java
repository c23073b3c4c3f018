package io.duplex.cli.inspect;

import io.duplex.cli.PayloadPreview;
import io.duplex.cli.inspect.FrameReport.Direction;
import io.duplex.frame.ProtocolViolationException;
import io.duplex.frame.Violation;
import io.duplex.handshake.ClientHandshake;
import io.duplex.handshake.HandshakeException;
import io.duplex.handshake.Headers;
import io.duplex.handshake.HttpHead;
import io.duplex.handshake.HttpHeadParser;
import io.duplex.handshake.OriginPolicy;
import io.duplex.handshake.Outcome;
import io.duplex.handshake.ServerHandshake;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocketFactory;

/**
 * One connection through {@code duplex inspect}: accepts the client's upgrade, opens the upstream
 * connection with the same path, query, subprotocol offers and headers (hop-by-hop ones and
 * {@code Sec-WebSocket-Extensions} removed, so nothing is compressed and every frame is readable),
 * answers the client with the upstream's choice, then relays frames both ways ({@link FramePump}).
 *
 * <p>Closing: close frames are relayed like any other; once one has passed each way the relay
 * closes the client's TCP connection (as a server does, RFC 6455 §7.1.1) and waits, bounded, for
 * the upstream to close its own. When one end is lost (no close frame, an I/O error, a protocol
 * violation) the other gets a close frame of the relay's own: 1014 (bad gateway) towards the
 * client when the upstream failed, 1011 towards the upstream when the client did.
 *
 * <p>Threading: the client-to-server pump runs on the thread that runs this, the other on a
 * thread of its own; the end-of-connection decisions are synchronized.
 */
final class InspectRelay implements Runnable {

    /** What every relay needs to know about the upstream. */
    record Upstream(URI uri, SSLSocketFactory tls, boolean verifyHost, Duration timeout, long maxFrameSize) {}

    /** A relay's close frames and the time allowed for the other end to answer one. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final Socket clientSocket;
    private final Upstream upstream;
    private final FrameReport report;
    private final FrameReport.Clock clock;
    private final SecureRandom random = new SecureRandom();

    private RelaySide client;
    private RelaySide server;
    // Guarded by this.
    private boolean clientSentClose;
    private boolean serverSentClose;
    private boolean clientLost;
    private boolean serverLost;

    InspectRelay(int id, Socket clientSocket, Upstream upstream, FrameReport report) {
        this.clientSocket = clientSocket;
        this.upstream = upstream;
        this.report = report;
        this.clock = new FrameReport.Clock(id);
    }

    /** Closes both connections at once (the command is stopping). */
    void abort() {
        RelaySide c = client;
        RelaySide s = server;
        if (c != null) {
            c.abort();
        }
        if (s != null) {
            s.abort();
        }
        close(clientSocket);
    }

    @Override
    public void run() {
        Socket upstreamSocket = null;
        try {
            int timeout = (int) upstream.timeout().toMillis();
            clientSocket.setSoTimeout(timeout);
            clientSocket.setTcpNoDelay(true);
            InputStream in = clientSocket.getInputStream();
            ByteBuffer clientBytes = ByteBuffer.allocate(16 * 1024);
            HttpHead request;
            try {
                request = InspectHandshake.readHead(in, clientBytes, HttpHeadParser.Kind.REQUEST);
            } catch (HandshakeException e) {
                reject(e.status(), e.getMessage(), Headers.EMPTY, "malformed request: " + e.getMessage());
                return;
            }
            if (request == null) {
                report.event(clock.id, "client closed before sending an upgrade request");
                return;
            }
            Outcome outcome = ServerHandshake.builder()
                    .originPolicy(OriginPolicy.any())
                    .build()
                    .validate(request);
            if (outcome instanceof Outcome.Rejected r) {
                reject(r.status(), r.reason(), r.extraHeaders(), "not a WebSocket upgrade: " + r.reason());
                return;
            }
            Outcome.Accepted accepted = (Outcome.Accepted) outcome;
            URI target = InspectHandshake.target(upstream.uri(), accepted);
            ClientHandshake handshake = InspectHandshake.request(target, accepted);
            ByteBuffer serverBytes = ByteBuffer.allocate(16 * 1024);
            ClientHandshake.Result result;
            try {
                upstreamSocket = InspectHandshake.open(upstream, target, timeout);
                OutputStream out = upstreamSocket.getOutputStream();
                out.write(handshake.request().array());
                out.flush();
                HttpHead response = InspectHandshake.readHead(
                        upstreamSocket.getInputStream(), serverBytes, HttpHeadParser.Kind.RESPONSE);
                if (response == null) {
                    throw new IOException("the upstream closed the connection during the handshake");
                }
                result = handshake.validate(response);
            } catch (HandshakeException e) {
                int status = e.status() >= 300 && e.status() <= 599 ? e.status() : 502;
                reject(
                        status,
                        "upstream refused the upgrade",
                        Headers.EMPTY,
                        "upstream refused: HTTP " + e.status() + " (" + e.getMessage() + ")");
                return;
            } catch (IOException e) {
                reject(
                        502,
                        "upstream unreachable",
                        Headers.EMPTY,
                        "upstream " + target + ": " + InspectHandshake.describe(e));
                return;
            }
            Outcome.Accepted answer = accepted.answeredWith(result.subprotocol(), List.of());
            clientSocket
                    .getOutputStream()
                    .write(ServerHandshake.builder()
                            .build()
                            .response(
                                    answer,
                                    InspectHandshake.forwardable(
                                            result.response().headers()))
                            .array());
            clientSocket.getOutputStream().flush();
            clientSocket.setSoTimeout(0);
            upstreamSocket.setSoTimeout(0);
            client = new RelaySide("client", clientSocket, false, random);
            server = new RelaySide("server", upstreamSocket, true, random);
            report.event(
                    clock.id,
                    "open " + address(clientSocket) + " → " + target + InspectHandshake.describe(accepted, result));
            relay(clientBytes.flip(), serverBytes.flip());
        } catch (IOException e) {
            report.problem(clock.id, "client " + address(clientSocket) + ": " + InspectHandshake.describe(e));
        } catch (RuntimeException e) {
            // A bug or a request the handshake classes refuse: report it, keep serving others.
            report.problem(clock.id, "client " + address(clientSocket) + ": " + e);
        } finally {
            close(clientSocket);
            close(upstreamSocket);
        }
    }

    private void relay(ByteBuffer fromClient, ByteBuffer fromServer) {
        FramePump up =
                new FramePump(this, Direction.CLIENT_TO_SERVER, client, server, report, clock, upstream.maxFrameSize());
        FramePump down =
                new FramePump(this, Direction.SERVER_TO_CLIENT, server, client, report, clock, upstream.maxFrameSize());
        Thread downThread =
                new Thread(() -> down.run(fromServer), Thread.currentThread().getName() + "-down");
        downThread.setDaemon(true);
        downThread.start();
        up.run(fromClient);
        try {
            downThread.join(CLOSE_TIMEOUT.toMillis() * 2);
            if (downThread.isAlive()) {
                report.problem(clock.id, "the upstream did not close in time; aborting");
                server.abort();
                downThread.join(CLOSE_TIMEOUT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.abort();
        server.abort();
        report.event(
                clock.id, "closed (" + up.frames() + " frames client→server, " + down.frames() + " server→client)");
    }

    // ------------------------------------------------------------------ end of the connection

    /** A close frame passed in {@code dir}: once one has passed each way, wind down. */
    synchronized void closeRelayed(Direction dir) {
        if (dir == Direction.CLIENT_TO_SERVER) {
            clientSentClose = true;
        } else {
            serverSentClose = true;
        }
        // The relay is the client's server: after the close handshake it closes TCP first.
        if (clientSentClose && client.closeWritten()) {
            client.shutdownOutput();
            client.readTimeout((int) CLOSE_TIMEOUT.toMillis());
        }
        if (serverSentClose && server.closeWritten()) {
            server.readTimeout((int) CLOSE_TIMEOUT.toMillis());
        }
    }

    /** The source of {@code dir} ended its TCP stream. */
    synchronized void endOfStream(Direction dir) {
        RelaySide src = source(dir);
        RelaySide dst = other(src);
        boolean sentClose = src == client ? clientSentClose : serverSentClose;
        if (sentClose) {
            // The end of a close handshake (or the peer gave up waiting for the answer): pass it on.
            dst.shutdownOutput();
            dst.readTimeout((int) CLOSE_TIMEOUT.toMillis());
        } else {
            lost(src, src.name + " closed the TCP connection without a close frame");
        }
    }

    /** Reading the source of {@code dir} failed. */
    synchronized void readFailed(Direction dir, IOException e) {
        RelaySide src = source(dir);
        if (isLost(src)) {
            return; // the relay closed it itself
        }
        if (e instanceof SocketTimeoutException) {
            report.problem(
                    clock.id,
                    src.name + " did not close the connection within " + CLOSE_TIMEOUT.toSeconds() + " s; aborting");
            markLost(src);
            src.abort();
            return;
        }
        lost(src, src.name + " connection failed: " + InspectHandshake.describe(e));
    }

    /** Writing to the destination of {@code dir} failed. */
    synchronized void writeFailed(Direction dir) {
        RelaySide dst = other(source(dir));
        if (!isLost(dst)) {
            lost(dst, "cannot write to the " + dst.name + ": connection lost");
        }
    }

    /** The source of {@code dir} broke the protocol: fail its connection, tell the other end. */
    synchronized void violation(Direction dir, ProtocolViolationException e) {
        RelaySide src = source(dir);
        Violation v = e.violation();
        report.problem(
                clock.id,
                dir.arrow + ": protocol violation by the " + src.name + ": " + e.getMessage()
                        + " — failing its connection with " + PayloadPreview.close(v.closeCode(), ""));
        // RFC 6455 §7.1.7: send the close frame, then close the TCP connection.
        src.close(v.closeCode(), v.reason());
        src.shutdownOutput();
        lost(src, null);
    }

    /** One end is gone: it is closed, and the other gets a close frame of the relay's own. */
    private void lost(RelaySide side, String why) {
        if (isLost(side)) {
            return;
        }
        markLost(side);
        RelaySide other = other(side);
        int code = side == server ? 1014 : 1011;
        String reason = "inspect: " + side.name + " connection lost";
        boolean told = !isLost(other) && other.close(code, reason);
        if (why != null) {
            report.problem(
                    clock.id, why + (told ? "; sent " + PayloadPreview.close(code, "") + " to the " + other.name : ""));
        }
        side.abort();
        if (told) {
            other.readTimeout((int) CLOSE_TIMEOUT.toMillis());
            if (other == client) {
                client.shutdownOutput(); // the client's close reply has nowhere to go: end it here
            }
        } else if (!other.closeWritten()) {
            other.abort(); // half-way through a frame: nothing can be said cleanly
            markLost(other);
        }
    }

    private boolean isLost(RelaySide side) {
        return side == client ? clientLost : serverLost;
    }

    private void markLost(RelaySide side) {
        if (side == client) {
            clientLost = true;
        } else {
            serverLost = true;
        }
    }

    private RelaySide source(Direction dir) {
        return dir == Direction.CLIENT_TO_SERVER ? client : server;
    }

    private RelaySide other(RelaySide side) {
        return side == client ? server : client;
    }

    private void reject(int status, String reason, Headers extra, String why) throws IOException {
        report.problem(clock.id, address(clientSocket) + " rejected with HTTP " + status + ": " + why);
        OutputStream out = clientSocket.getOutputStream();
        out.write(ServerHandshake.rejection(status, reason, extra).array());
        out.flush();
    }

    private static String address(Socket s) {
        return s.getInetAddress().getHostAddress() + ":" + s.getPort();
    }

    private static void close(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // Nothing more to do.
            }
        }
    }
}
