package io.duplex.examples.chat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP forwarder on the loopback address that a test can cut, as a network that drops: {@link
 * #cut()} closes every connection through it and holds new ones (accepted, nothing forwarded) until
 * {@link #resume()}, so a page behind it is certainly away for as long as the test needs. Forwards
 * to {@code 127.0.0.1:target}; listens on an OS-chosen {@link #port()}.
 *
 * <p>Threading: an accept thread and two pipe threads per connection; {@link #cut}, {@link #resume}
 * and {@link #close} from the test thread.
 */
final class CuttableTunnel implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tunnel");
        t.setDaemon(true);
        return t;
    });
    private final List<Socket> open = new ArrayList<>(); // guarded by this
    private final List<Socket> held = new ArrayList<>(); // guarded by this
    private boolean cut; // guarded by this

    CuttableTunnel(int target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Drops every connection through the tunnel and holds new ones until {@link #resume()}. */
    synchronized void cut() {
        cut = true;
        open.forEach(CuttableTunnel::closeQuietly);
        open.clear();
    }

    /** Forwards again, the held connections first. */
    synchronized void resume() {
        cut = false;
        held.forEach(this::forward);
        held.clear();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                synchronized (this) {
                    if (cut) {
                        held.add(client);
                    } else {
                        forward(client);
                    }
                }
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Called with the lock held; connecting to a loopback port does not wait. */
    private void forward(Socket client) {
        Socket upstream;
        try {
            upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        } catch (IOException e) {
            closeQuietly(client); // nothing listens (a server restarting): the page retries
            return;
        }
        open.add(client);
        open.add(upstream);
        threads.execute(() -> pipe(client, upstream));
        threads.execute(() -> pipe(upstream, client));
    }

    private static void pipe(Socket from, Socket to) {
        byte[] buf = new byte[16384];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // one side closed or was cut
        }
        // Either side ending ends both: a half-open pair would look alive to the page.
        closeQuietly(from);
        closeQuietly(to);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public synchronized void close() throws IOException {
        server.close();
        open.forEach(CuttableTunnel::closeQuietly);
        held.forEach(CuttableTunnel::closeQuietly);
        threads.shutdownNow();
    }
}
