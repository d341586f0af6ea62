package dev.tether.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault-injecting TCP proxy on the loopback interface, placed between an AMQP client and a
 * broker on {@code 127.0.0.1}.
 *
 * <p>Faults: {@link #cut()} resets the open connections, {@link #blackHole(boolean)} silently
 * drops all traffic, {@link #refuse(boolean)} makes the kernel refuse new connections,
 * {@link #delayHandshake(Duration)} holds back new connections' first bytes, {@link #holdReplies(boolean)}
 * holds back what the broker sends without losing it.
 *
 * <p>Blocking I/O on daemon threads whose names start with {@code fault-proxy}: one accepting
 * thread, and per proxied connection one thread per direction (one only while a connection is
 * delayed or black-holed from its start). Every thread ends when its connection ends; {@link #close()}
 * resets all connections and waits for all threads to end.
 */
public final class FaultProxy implements AutoCloseable {

    private static final InetAddress LOOPBACK = loopback();
    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
    private static final long CLOSE_JOIN_MILLIS = 5_000;

    private final int targetPort;
    private final Object lock = new Object();
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet(); // started, not yet joined by close()
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger linkIds = new AtomicInteger();

    // guarded by lock
    private ServerSocket server;
    private Thread acceptor;
    private int port;
    private boolean blackHole;
    private boolean holdReplies;
    private boolean closed;
    private volatile Duration handshakeDelay = Duration.ZERO;

    private FaultProxy(int targetPort) {
        this.targetPort = targetPort;
    }

    /**
     * Starts a proxy on a free loopback port forwarding to {@code 127.0.0.1:targetPort}.
     *
     * @param targetPort the broker's port
     * @return the running proxy; close it when done
     */
    public static FaultProxy start(int targetPort) {
        FaultProxy proxy = new FaultProxy(targetPort);
        synchronized (proxy.lock) {
            proxy.listen(0);
        }
        return proxy;
    }

    /** The proxy's port; stays the same for the life of the proxy (also across {@link #refuse}). */
    public int port() {
        synchronized (lock) {
            return port;
        }
    }

    /** {@code amqp://guest:guest@127.0.0.1:<proxy port>}. */
    public String uri() {
        return "amqp://guest:guest@127.0.0.1:" + port();
    }

    /**
     * Resets every open proxied connection (SO_LINGER 0, then close) on both sides: the client
     * sees "Connection reset". The proxy keeps accepting new connections.
     */
    public void cut() {
        for (Link link : List.copyOf(links)) {
            link.end(true);
        }
    }

    /**
     * Resets the client side of every open proxied connection and leaves the broker side open
     * and silent (nothing is forwarded to it any more), as when a client's host or network dies
     * without the broker seeing a FIN or RST: the client sees "Connection reset" at once, the
     * broker keeps the old connection (and its exclusive queues) until its heartbeat timeout. The
     * broker side is closed when the broker closes it, or by {@link #close()}.
     */
    public void cutClientSide() {
        for (Link link : List.copyOf(links)) {
            link.cutClientSide();
        }
    }

    /**
     * Turns the silent partition on or off.
     *
     * <p>While on, new connections are accepted but nothing is forwarded (the client's bytes are
     * read and discarded, nothing reaches the broker), and already-open connections stop
     * forwarding in both directions: no bytes are lost from the sockets' point of view, no
     * error is raised, they simply vanish.
     *
     * <p>Turning it off resets (as {@link #cut()}) every connection that was black-holed, since
     * dropped bytes leave its AMQP stream unusable; connections made afterwards are forwarded normally.
     */
    public void blackHole(boolean on) {
        synchronized (lock) {
            blackHole = on;
            for (Link link : List.copyOf(links)) {
                if (on) {
                    link.blackHoled = true;
                } else if (link.blackHoled) {
                    link.end(true);
                }
            }
        }
    }

    /**
     * Turns holding the broker's bytes on or off. While on, nothing the broker sends reaches the
     * client (it waits in the proxy and the sockets' buffers); turning it off forwards all of it, in
     * order. Lets a test act while a reply is known to be on its way but not yet arrived.
     */
    public void holdReplies(boolean on) {
        synchronized (lock) {
            holdReplies = on;
            lock.notifyAll();
        }
    }

    /** Waits while replies are held, unless the proxy closes or the link ends. */
    private void awaitRelease(Link link) throws IOException {
        synchronized (lock) {
            while (holdReplies && !closed && !link.isDone()) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while replies were held");
                }
            }
        }
    }

    /**
     * While on, new TCP connections are refused by the kernel ("Connection refused"): the
     * listening socket is closed. Turning it off binds the same port again (SO_REUSEADDR).
     * Connections already open are not affected.
     *
     * @throws UncheckedIOException if the port cannot be bound again
     */
    public void refuse(boolean on) {
        Thread ending = null;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("proxy is closed");
            }
            if (on && server != null) {
                closeQuietly(server);
                server = null;
                ending = acceptor;
            } else if (!on && server == null) {
                listen(port);
            }
        }
        if (ending != null) {
            awaitEnd(ending); // refusing only once the accepting thread is gone (outside the lock it may need)
        }
    }

    /**
     * Makes new connections wait {@code delay} before their first bytes are forwarded (the
     * connection to the broker is only opened after the delay). {@link Duration#ZERO} turns it off.
     */
    public void delayHandshake(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("negative delay " + delay);
        }
        handshakeDelay = delay;
    }

    /** Number of client connections currently open through the proxy. */
    public int openConnections() {
        return links.size();
    }

    /** Number of client connections accepted since the proxy started. */
    public int acceptedConnections() {
        return accepted.get();
    }

    /**
     * Stops listening, resets every connection and waits for all proxy threads to end.
     *
     * @throws IllegalStateException if a proxy thread has not ended within 5 s
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            lock.notifyAll();
            if (server != null) {
                closeQuietly(server);
                server = null;
            }
        }
        cut();
        // Threads stay in the set until joined here, so that a "-down" thread spawned while
        // closing is joined too: loop until every known thread has ended or time is up.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_JOIN_MILLIS);
        List<String> alive = new ArrayList<>();
        while (true) {
            alive.clear();
            for (Thread t : List.copyOf(threads)) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                try {
                    t.join(Math.max(1, left));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (t.isAlive()) {
                    alive.add(t.getName());
                } else {
                    threads.remove(t);
                }
            }
            if (threads.isEmpty() || !alive.isEmpty() || Thread.currentThread().isInterrupted()) {
                break;
            }
        }
        if (!alive.isEmpty()) {
            throw new IllegalStateException("fault proxy threads still alive after close: " + alive);
        }
    }

    /** Binds the listening socket and starts its accepting thread; caller holds {@code lock}. */
    private void listen(int requestedPort) {
        ServerSocket ss = null;
        try {
            ss = new ServerSocket();
            ss.setReuseAddress(true);
            ss.bind(new InetSocketAddress(LOOPBACK, requestedPort), 50);
        } catch (IOException e) {
            if (ss != null) {
                closeQuietly(ss);
            }
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + requestedPort, e);
        }
        server = ss;
        port = ss.getLocalPort();
        ServerSocket listening = ss;
        acceptor = spawn("fault-proxy-" + port + "-accept", () -> acceptLoop(listening));
    }

    private void acceptLoop(ServerSocket ss) {
        while (true) {
            Socket client;
            try {
                client = ss.accept();
            } catch (IOException e) {
                return; // listening socket closed by refuse(true) or close()
            }
            accepted.incrementAndGet();
            synchronized (lock) {
                if (closed) {
                    reset(client);
                    return;
                }
                Link link = new Link(linkIds.incrementAndGet(), client, blackHole, handshakeDelay);
                links.add(link);
                spawn("fault-proxy-" + port + "-" + link.id + "-up", link::runUpstream);
            }
        }
    }

    /** Starts a daemon thread, remembered until {@link #close()} joins it (dead ones are pruned here). */
    private Thread spawn(String name, Runnable body) {
        threads.removeIf(t -> !t.isAlive());
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
        return t;
    }

    private static void awaitEnd(Thread thread) {
        try {
            thread.join(CLOSE_JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            throw new IllegalStateException(thread.getName() + " did not end after its socket was closed");
        }
    }

    /** One proxied connection: the client's socket and, once connected, the broker's. */
    private final class Link {
        final int id;
        final Socket client;
        final Duration delay;
        final CountDownLatch ended = new CountDownLatch(1);
        volatile boolean blackHoled;
        /** Only the client's socket was reset: the broker's stays open until the broker closes it. */
        volatile boolean clientCut;
        private Socket upstream; // guarded by this
        private boolean done; // guarded by this

        Link(int id, Socket client, boolean blackHoled, Duration delay) {
            this.id = id;
            this.client = client;
            this.blackHoled = blackHoled;
            this.delay = delay;
        }

        /** Runs on the "-up" thread: delay, connect to the broker, pump client to broker. */
        void runUpstream() {
            try {
                client.setTcpNoDelay(true);
                if (!delay.isZero() && ended.await(delay.toNanos(), TimeUnit.NANOSECONDS)) {
                    return;
                }
                if (blackHoled) {
                    pump(client.getInputStream(), OutputStream.nullOutputStream(), false);
                    return;
                }
                Socket up = new Socket();
                synchronized (this) {
                    if (done) {
                        return;
                    }
                    upstream = up;
                }
                up.connect(new InetSocketAddress(LOOPBACK, targetPort), CONNECT_TIMEOUT_MILLIS);
                up.setTcpNoDelay(true);
                InputStream fromBroker = up.getInputStream();
                OutputStream toClient = client.getOutputStream();
                spawn("fault-proxy-" + port() + "-" + id + "-down", () -> {
                    try {
                        pump(fromBroker, toClient, true);
                    } catch (IOException e) {
                        end(true);
                    }
                });
                pump(client.getInputStream(), up.getOutputStream(), false);
            } catch (IOException e) {
                if (!clientCut) {
                    end(true);
                }
            } catch (InterruptedException e) {
                end(true);
            }
        }

        /** Silences the link, resets the client's socket; the "-down" pump drains the broker's until it ends. */
        void cutClientSide() {
            clientCut = true;
            blackHoled = true;
            reset(client);
        }

        /**
         * Copies until end of stream (then ends the link gracefully), dropping bytes while black-holed,
         * and holding them while {@code fromBroker} and replies are held.
         */
        private void pump(InputStream in, OutputStream out, boolean fromBroker) throws IOException {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) != -1) {
                if (fromBroker) {
                    awaitRelease(this);
                }
                if (!blackHoled) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
            end(false);
        }

        synchronized boolean isDone() {
            return done;
        }

        /** Closes both sockets, with a reset (SO_LINGER 0) if {@code abort}; idempotent. */
        void end(boolean abort) {
            Socket up;
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
                up = upstream;
            }
            synchronized (lock) {
                lock.notifyAll(); // a "-down" pump waiting for held replies sees the link ended
            }
            links.remove(this);
            ended.countDown();
            if (abort) {
                reset(client);
                if (up != null) {
                    reset(up);
                }
            } else {
                closeQuietly(client);
                if (up != null) {
                    closeQuietly(up);
                }
            }
        }
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // already closed
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // nothing to do
        }
    }
}
