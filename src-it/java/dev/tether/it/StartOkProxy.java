package dev.tether.it;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy on the loopback interface that reads the AMQP handshake of the client going to the
 * broker and, for the next connection only, ends the handshake right after the client sent its
 * credentials ({@code connection.start-ok}, the client's first frame):
 * <ul>
 * <li>{@link Fault#CUT}: the start-ok is not forwarded and both sockets are closed (FIN): the
 *     client sees the end of the stream while it waits for {@code connection.tune}, as behind a
 *     load balancer that drops the connection;</li>
 * <li>{@link Fault#HOLD}: the start-ok is not forwarded and the connection stays open, until the
 *     broker ends it (e.g. its node is stopped), which the client then sees.</li>
 * </ul>
 * Every other connection, and every byte before the start-ok, is forwarded unchanged. The frame
 * is recognised by its header (type 1, channel 0, class 10, method 11), so a wrong guess fails the
 * test instead of cutting something else.
 *
 * <p>Blocking I/O on daemon threads named {@code start-ok-proxy-*}, two per connection; {@link
 * #close()} closes every socket and waits for them.
 */
final class StartOkProxy implements AutoCloseable {

    /** What happens to the next connection's {@code connection.start-ok}. */
    enum Fault {
        /** Forwarded: the handshake goes on. */
        PASS,
        /** Dropped, and both sockets closed. */
        CUT,
        /** Dropped, the sockets left open. */
        HOLD
    }

    private static final int PROTOCOL_HEADER_SIZE = 8;
    private static final int METHOD_FRAME = 1;
    private static final int CONNECTION_CLASS = 10;
    private static final int START_OK_METHOD = 11;

    private final int targetPort;
    private final ServerSocket server;
    private final AtomicReference<Fault> next = new AtomicReference<>(Fault.PASS);
    private final AtomicInteger faulted = new AtomicInteger();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    private StartOkProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    /**
     * Starts a proxy on a free loopback port.
     *
     * @param targetPort the broker's port on 127.0.0.1
     * @return the running proxy
     */
    static StartOkProxy start(int targetPort) throws IOException {
        StartOkProxy proxy = new StartOkProxy(targetPort);
        proxy.spawn("start-ok-proxy-accept", proxy::accept);
        return proxy;
    }

    /** @return {@code amqp://<user>:<password>@127.0.0.1:<proxy port>} */
    String uri(String user, String password) {
        return "amqp://" + user + ":" + password + "@127.0.0.1:" + server.getLocalPort();
    }

    /** Applies {@code fault} to the next connection's start-ok only. */
    void arm(Fault fault) {
        next.set(fault);
    }

    /** @return how many start-oks were cut or held so far */
    int faulted() {
        return faulted.get();
    }

    @Override
    public void close() throws InterruptedException {
        closeQuietly(server);
        sockets.forEach(StartOkProxy::closeQuietly);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return;
            }
            Fault fault = next.getAndSet(Fault.PASS);
            spawn("start-ok-proxy-up", () -> forward(client, fault));
        }
    }

    private void forward(Socket client, Fault fault) {
        sockets.add(client);
        Socket broker = new Socket();
        sockets.add(broker);
        try {
            broker.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2_000);
            broker.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
            InputStream fromBroker = broker.getInputStream();
            spawn("start-ok-proxy-down", () -> pumpThenClose(fromBroker, client, broker));
            DataInputStream in = new DataInputStream(client.getInputStream());
            OutputStream out = broker.getOutputStream();
            byte[] header = new byte[PROTOCOL_HEADER_SIZE];
            in.readFully(header);
            out.write(header);
            byte[] frame = readFrame(in);
            if (fault == Fault.PASS) {
                out.write(frame);
                pumpThenClose(in, broker, client);
                return;
            }
            if (!isStartOk(frame)) {
                throw new IllegalStateException("the client's first frame is not connection.start-ok");
            }
            faulted.incrementAndGet();
            if (fault == Fault.CUT) {
                closeQuietly(client);
                closeQuietly(broker);
            }
            // HOLD: nothing more is read from the client; the down thread ends both when the broker does.
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(broker);
        }
    }

    /** One frame: type (1), channel (2), size (4), payload, frame end (1). */
    private static byte[] readFrame(DataInputStream in) throws IOException {
        byte[] head = new byte[7];
        in.readFully(head);
        int size = ((head[3] & 0xff) << 24) | ((head[4] & 0xff) << 16) | ((head[5] & 0xff) << 8) | (head[6] & 0xff);
        if (size < 0 || size > 1 << 20) {
            throw new IOException("not an AMQP frame: size " + size);
        }
        byte[] frame = new byte[7 + size + 1];
        System.arraycopy(head, 0, frame, 0, 7);
        in.readFully(frame, 7, size + 1);
        return frame;
    }

    private static boolean isStartOk(byte[] frame) {
        int channel = ((frame[1] & 0xff) << 8) | (frame[2] & 0xff);
        int classId = ((frame[7] & 0xff) << 8) | (frame[8] & 0xff);
        int methodId = ((frame[9] & 0xff) << 8) | (frame[10] & 0xff);
        return frame[0] == METHOD_FRAME && channel == 0 && classId == CONNECTION_CLASS && methodId == START_OK_METHOD;
    }

    /** Copies until end of stream or error, then closes both sockets gracefully. */
    private static void pumpThenClose(InputStream in, Socket to, Socket from) {
        try {
            in.transferTo(to.getOutputStream());
        } catch (IOException ended) {
            // closed by the other direction, or by close()
        } finally {
            closeQuietly(to);
            closeQuietly(from);
        }
    }

    private void spawn(String name, Runnable body) {
        threads.removeIf(t -> !t.isAlive());
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // already closed
        }
    }
}
