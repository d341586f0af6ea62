package dev.tether.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.SystemLauncherListener;
import org.apache.qpid.server.model.Broker;
import org.apache.qpid.server.model.Port;
import org.apache.qpid.server.model.SystemConfig;
import org.apache.qpid.server.model.port.AmqpPort;

/**
 * An embedded Apache Qpid Broker-J that speaks AMQP 0-9-1 to the RabbitMQ Java client.
 *
 * <p>In-memory system config, store and virtual host; user {@code guest}/{@code guest} over PLAIN
 * on a plain (non-TLS) port bound to {@code 127.0.0.1}; virtual host {@code /} reaches the only
 * virtual host through the {@code defaultAlias} alias. The broker's work directory is a temp
 * directory deleted by {@link #close()}; nothing is written to the working directory, and the
 * broker's slf4j loggers ({@code org.apache.qpid}, {@code qpid}) are set to {@code warn} unless
 * the matching {@code org.slf4j.simpleLogger.log.*} system property is already set.
 *
 * <p>{@link #start()} binds a free port; {@link #stop()} then {@link #restart()} brings the broker
 * back on the same port (with empty queues). Connected clients get {@code connection.close 320}
 * when it stops.
 *
 * <p>Not a RabbitMQ: see "Embedded AMQP broker" in the project facts for what differs.
 */
public final class QpidBroker implements AutoCloseable {

    /** Name of the AMQP port in the broker model. */
    private static final String PORT_NAME = "AMQP";

    static {
        quietLogger("org.apache.qpid");
        quietLogger("qpid");
    }

    /**
     * A TLS port: the broker's key store, and the store of CAs trusted for client certificates
     * ({@code null}: no client certificate asked for). PKCS12, one password for both.
     *
     * @param keyStore the broker's key and certificate chain
     * @param password the stores' password
     * @param clientTrustStore the CAs trusted for client certificates, or {@code null}
     */
    public record Tls(Path keyStore, String password, Path clientTrustStore) {
    }

    private final Path workDir;
    private Tls tls;
    private int port;
    private SystemLauncher launcher;
    private volatile SystemConfig<?> systemConfig;
    private volatile boolean running;
    private boolean shared;
    private boolean closed;

    private QpidBroker(Path workDir) {
        this.workDir = workDir;
    }

    /**
     * Starts a broker on a free loopback port.
     *
     * @return the running broker; close it when done
     */
    public static QpidBroker start() {
        return start(null);
    }

    /**
     * Starts a broker whose one port speaks AMQP over TLS ({@code amqps://}), on a free loopback port.
     *
     * @param tls the port's key store and client trust
     * @return the running broker; close it when done
     */
    public static QpidBroker startTls(Tls tls) {
        return start(tls);
    }

    /**
     * Starts a broker on a given loopback port, with its work directory in a given folder (emptied
     * first; deleted by {@link #close()}): a broker that outlives a test run, such as the Liberty
     * sample's development broker.
     *
     * @param port the AMQP port to bind on {@code 127.0.0.1}
     * @param workDir the broker's work directory
     * @return the running broker; close it when done
     */
    public static QpidBroker startOn(int port, Path workDir) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
        QpidBroker broker = new QpidBroker(workDir);
        broker.deleteWorkDir();
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return launched(broker, port);
    }

    private static QpidBroker start(Tls tls) {
        Path dir;
        try {
            dir = Files.createTempDirectory("tether-qpid-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        QpidBroker broker = new QpidBroker(dir);
        broker.tls = tls;
        return launched(broker, 0);
    }

    private static QpidBroker launched(QpidBroker broker, int port) {
        try {
            broker.launch(port);
        } catch (RuntimeException | Error e) {
            broker.deleteWorkDir();
            throw e;
        }
        return broker;
    }

    /** The AMQP port; stays the same across {@link #stop()} and {@link #restart()}. */
    public synchronized int port() {
        return port;
    }

    /** {@code amqp://guest:guest@127.0.0.1:<port>}. */
    public String uri() {
        if (tls != null) {
            return "amqps://guest:guest@127.0.0.1:" + port();
        }
        return "amqp://guest:guest@127.0.0.1:" + port();
    }

    /**
     * Opens a plain RabbitMQ-client connection to the broker (no Tether), for tests that need a real
     * {@code Connection} or {@code Channel} of their own; close it when done.
     *
     * @param clientName the connection's client-provided name
     * @return the open connection
     * @throws Exception if the client cannot connect
     */
    public com.rabbitmq.client.Connection newConnection(String clientName) throws Exception {
        com.rabbitmq.client.ConnectionFactory factory = new com.rabbitmq.client.ConnectionFactory();
        factory.setUri(uri());
        return factory.newConnection(clientName);
    }

    /** Whether the broker is started (between {@link #start()}/{@link #restart()} and {@link #stop()}). */
    public boolean isRunning() {
        return running;
    }

    /**
     * Stops the broker; clients connected to it get {@code connection.close} with reply code 320.
     * Does nothing if already stopped.
     *
     * @throws IllegalStateException on the broker shared by {@link EmbeddedBroker}
     */
    public synchronized void stop() {
        checkNotShared("stop");
        shutdown();
    }

    /**
     * Starts the stopped broker again on the same port, with a fresh in-memory state.
     *
     * @throws IllegalStateException if it is running, closed, or the one shared by {@link EmbeddedBroker}
     */
    public synchronized void restart() {
        checkNotShared("restart");
        if (closed) {
            throw new IllegalStateException("broker is closed");
        }
        if (running) {
            throw new IllegalStateException("broker is running; stop() it first");
        }
        launch(port);
    }

    /**
     * Number of connections currently open on the broker's AMQP port, as counted by the Qpid
     * model ({@link AmqpPort#getConnectionCount()}): a TCP connection counts from the moment the
     * broker accepts it (before the AMQP handshake) until the broker has closed it. 0 when stopped.
     */
    public int connectionCount() {
        SystemConfig<?> config = systemConfig;
        if (!running || config == null) {
            return 0;
        }
        return (int) amqpPort(config).getConnectionCount();
    }

    /** Stops the broker (if running) and deletes its work directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            shutdown();
        } finally {
            deleteWorkDir();
        }
    }

    /** Marks this broker as the shared one, which {@link #stop()} and {@link #restart()} refuse. */
    synchronized void markShared() {
        shared = true;
    }

    private void checkNotShared(String what) {
        if (shared) {
            throw new IllegalStateException("Cannot " + what + " the shared EmbeddedBroker; "
                    + "start a QpidBroker of your own to test broker outages");
        }
    }

    private void launch(int requestedPort) {
        Path config = workDir.resolve("initial-config.json");
        try {
            Files.writeString(config, initialConfig(requestedPort, tls), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> context = new HashMap<>();
        context.put("qpid.work_dir", workDir.toString());
        context.put("qpid.home_dir", workDir.toString());
        // A pending one-shot direct-memory check (every 1 s by default) would hold stop() for up to 1 s.
        context.put("qpid.compact_memory_interval", "0");
        // Fewer I/O threads than the defaults (64 per virtual host): enough for tests, cheap on 2 cores.
        context.put("qpid.port.amqp.threadPool.size", "4");
        context.put("qpid.port.amqp.threadPool.numberOfSelectors", "1");
        context.put("virtualhost.connectionThreadPool.size", "4");
        context.put("virtualhost.connectionThreadPool.numberOfSelectors", "1");
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("type", "Memory");
        attributes.put("initialConfigurationLocation", config.toUri().toString());
        attributes.put("startupLoggedToSystemOut", false);
        attributes.put("context", context);

        SystemLauncher newLauncher = new SystemLauncher(new SystemLauncherListener.DefaultSystemLauncherListener() {
            @Override
            public void onContainerResolve(SystemConfig<?> resolved) {
                systemConfig = resolved;
            }
        });
        try {
            newLauncher.startup(attributes);
        } catch (Exception e) {
            systemConfig = null;
            throw new IllegalStateException("Qpid broker failed to start on port " + requestedPort, e);
        }
        int bound = amqpPort(systemConfig).getBoundPort();
        if (bound <= 0) {
            newLauncher.shutdown();
            systemConfig = null;
            throw new IllegalStateException("Qpid AMQP port did not bind (requested " + requestedPort + ")");
        }
        launcher = newLauncher;
        port = bound;
        running = true;
    }

    private void shutdown() {
        if (!running) {
            return;
        }
        running = false;
        try {
            launcher.shutdown();
        } finally {
            launcher = null;
            systemConfig = null;
        }
        awaitRefused(port);
    }

    /**
     * Waits until nothing accepts on {@code port} any more. Qpid closes its listening socket on its
     * own selector thread, so a connection made just after {@code shutdown()} returned could still
     * be accepted, then reset (seen once in a stress run), instead of refused.
     */
    private static void awaitRefused(int port) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
            } catch (IOException refused) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Qpid still accepts on port " + port + " 10 s after its shutdown");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private static AmqpPort<?> amqpPort(SystemConfig<?> config) {
        Broker<?> broker = (Broker<?>) config.getContainer();
        for (Port<?> p : broker.getPorts()) {
            if (PORT_NAME.equals(p.getName()) && p instanceof AmqpPort) {
                return (AmqpPort<?>) p;
            }
        }
        throw new IllegalStateException("no AMQP port in the Qpid broker model");
    }

    private static String initialConfig(int port, Tls tls) {
        String stores = "";
        String portTls = "";
        if (tls != null) {
            stores = """
                  "keystores": [ { "name": "server", "type": "FileKeyStore", "storeUrl": "%s",
                                   "password": "%s", "keyStoreType": "PKCS12" } ],
                  """.formatted(tls.keyStore().toUri(), tls.password());
            portTls = "\"transports\": [\"SSL\"], \"keyStore\": \"server\",";
            if (tls.clientTrustStore() != null) {
                stores += """
                  "truststores": [ { "name": "clients", "type": "FileTrustStore", "storeUrl": "%s",
                                     "password": "%s", "trustStoreType": "PKCS12" } ],
                  """.formatted(tls.clientTrustStore().toUri(), tls.password());
                portTls += " \"needClientAuth\": true, \"trustStores\": [\"clients\"],";
            }
        }
        return """
                {
                  "name": "tether-test-broker",
                  "modelVersion": "8.0",
                  %s"authenticationproviders": [ {
                    "name": "plain",
                    "type": "Plain",
                    "secureOnlyMechanisms": [],
                    "users": [ { "name": "guest", "type": "managed", "password": "guest" } ]
                  } ],
                  "ports": [ {
                    "name": "%s",
                    "port": %d,
                    %s
                    "bindingAddress": "127.0.0.1",
                    "authenticationProvider": "plain",
                    "virtualhostaliases": [
                      { "name": "nameAlias", "type": "nameAlias" },
                      { "name": "defaultAlias", "type": "defaultAlias" }
                    ]
                  } ],
                  "virtualhostnodes": [ {
                    "name": "default",
                    "type": "Memory",
                    "defaultVirtualHostNode": "true",
                    "virtualHostInitialConfiguration": "{ \\"type\\": \\"Memory\\" }"
                  } ]
                }
                """.formatted(stores, PORT_NAME, port, portTls);
    }

    private void deleteWorkDir() {
        if (!Files.exists(workDir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(workDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void quietLogger(String name) {
        String key = "org.slf4j.simpleLogger.log." + name;
        if (System.getProperty(key) == null) {
            System.setProperty(key, "warn");
        }
    }
}
