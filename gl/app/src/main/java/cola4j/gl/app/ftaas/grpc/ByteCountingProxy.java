package cola4j.gl.app.ftaas.grpc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP relay that counts every byte written to the sockets in each direction: what the wire carries,
 * gRPC's 5-byte message prefixes, HTTP/2 frames, HPACK headers, SETTINGS/PING/WINDOW_UPDATE included. The users of
 * {@code cola ftaas --transport grpc} and {@code cola bench serve} connect through it; the server never knows.
 * Blocking I/O, one thread per direction per connection; loopback only.
 */
public final class ByteCountingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress upstream;
    private final AtomicLong up = new AtomicLong(), down = new AtomicLong();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /** Listens on 127.0.0.1 (an ephemeral port) and relays to {@code upstream}. */
    public ByteCountingProxy(InetSocketAddress upstream) throws IOException {
        this.upstream = upstream;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Bytes users → server so far. */
    public long upBytes() {
        return up.get();
    }

    /** Bytes server → users so far. */
    public long downBytes() {
        return down.get();
    }

    /** Waits until no byte moved for {@code quietMillis} (the counts are then final for what was sent). */
    public void awaitQuiet(long quietMillis) throws InterruptedException {
        long last = -1;
        while (true) {
            long now = up.get() + down.get();
            if (now == last) return;
            last = now;
            Thread.sleep(quietMillis);
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket user = listener.accept();
                Socket server = new Socket(upstream.getAddress(), upstream.getPort());
                user.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(user);
                sockets.add(server);
                pump(user, server, up);
                pump(server, user, down);
            } catch (IOException e) {
                if (!closed) System.err.println("proxy: " + e.getMessage());
            }
        }
    }

    private void pump(Socket from, Socket to, AtomicLong counter) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    out.flush();
                    counter.addAndGet(n);
                }
            } catch (IOException ignored) {
                // the other side closed
            } finally {
                quietly(from);
                quietly(to);
            }
        }, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void quietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        sockets.forEach(ByteCountingProxy::quietly);
    }
}
