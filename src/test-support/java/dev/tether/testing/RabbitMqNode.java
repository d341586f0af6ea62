package dev.tether.testing;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A private RabbitMQ node for integration tests, started from the RabbitMQ installed on the
 * machine (Debian's {@code rabbitmq-server} package puts it in {@code /usr/lib/rabbitmq}).
 *
 * <p>Each node has its own temporary folder (used as {@code HOME}, which holds the Erlang
 * cookie, and for the Mnesia database, the logs, an empty {@code enabled_plugins} file and the
 * configuration files), a unique node name {@code tether-it-<random>@localhost}, an AMQP port
 * picked at random and its Erlang distribution port 20000 above it, both on 127.0.0.1 only.
 * Nothing of the system's own RabbitMQ service (its folders, {@code /etc/rabbitmq}, its
 * cookie, port 5672) is read or touched, so several nodes, and the system service, can run side
 * by side. The scripts in {@code /usr/lib/rabbitmq/bin} are called directly, so the node runs
 * as the calling user (Debian's {@code /usr/sbin} wrappers would switch to the {@code rabbitmq}
 * user).
 *
 * <p>{@link #start()} returns once a real AMQP connection with {@code guest}/{@code guest}
 * succeeds. {@link #stop()} stops the node, waits until its Erlang VM ({@code beam.smp}) has
 * exited (killing it if it has not), and deletes the folder.
 *
 * <p><b>epmd.</b> Erlang's port mapper daemon ({@code epmd}, port 4369) is shared by every
 * Erlang node of the machine, and the first node to start launches it. If no epmd was running
 * when this JVM started its first node, the last node of this JVM to stop runs
 * {@code epmd -kill}, which epmd itself refuses while any node (of anyone) is still registered
 * with it; if an epmd was already running, it is left alone. A non-default
 * {@code ERL_EPMD_PORT} is not supported.
 *
 * <p>The installation folder is {@value #DEFAULT_RABBITMQ_HOME}, or the value of the system
 * property {@value #RABBITMQ_HOME_PROPERTY} (pointing it at a missing folder simulates a machine
 * without RabbitMQ).
 *
 * <p><b>Another RabbitMQ version from a root.</b> With the system property
 * {@value #RABBITMQ_ROOT_PROPERTY} naming a prepared Debian root (the Debian 13 root with RabbitMQ
 * 4.0.x that {@code scripts/rabbitmq4-root.sh} builds, {@code proc} and {@code /dev} mounted in
 * it), every RabbitMQ and Erlang program (the server, {@code rabbitmqctl}, {@code rabbitmq-upgrade},
 * {@code epmd}) runs through {@code chroot <root>}, the installation folder is a path inside the
 * root, and the node's folder is made under the root's {@code /var/tmp}: {@link #directory()} is
 * its path on this machine, {@link #pathInRoot(Path)} the path the node sees. The node listens
 * on the shared loopback like any other. A node of RabbitMQ 4 or later gets
 * {@link #DENY_DEPRECATED_FEATURES} in its {@code rabbitmq.conf}: the deprecated features RabbitMQ
 * 4.3 denies by default are denied on 4.0 too. {@link #installedVersion()} tells the version
 * before any node starts, from the installation's {@code lib/rabbitmq_server-<version>} folder;
 * {@link #version()} is the running node's own ({@code server-properties}).
 */
public final class RabbitMqNode implements AutoCloseable {

    /** System property naming the RabbitMQ installation folder (the one holding {@code bin/}). */
    public static final String RABBITMQ_HOME_PROPERTY = "tether.it.rabbitmq-home";

    /**
     * System property naming a root (a Debian system folder) from which RabbitMQ runs through
     * {@code chroot}; unset or blank for the machine's own installation.
     */
    public static final String RABBITMQ_ROOT_PROPERTY = "tether.it.rabbitmq-root";

    /**
     * Lines added to the {@code rabbitmq.conf} of nodes of RabbitMQ 4 or later: deny the deprecated
     * features that RabbitMQ 4.3 denies by default (non-durable, non-exclusive queues, global QoS).
     */
    public static final List<String> DENY_DEPRECATED_FEATURES = List.of(
            "deprecated_features.permit.transient_nonexcl_queues = false",
            "deprecated_features.permit.global_qos = false");

    /** Where Debian's {@code rabbitmq-server} package installs RabbitMQ. */
    public static final String DEFAULT_RABBITMQ_HOME = "/usr/lib/rabbitmq";

    /** How long a node may take to accept AMQP connections after a start or a {@code start_app}. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /** How long a {@code rabbitmqctl} call may take by default. */
    public static final Duration RABBITMQCTL_TIMEOUT = Duration.ofSeconds(60);

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    /** After this long without an Erlang VM, a starting node is taken as dead. */
    private static final Duration VM_APPEAR_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(200);
    private static final int START_ATTEMPTS = 3;
    private static final int DIST_PORT_OFFSET = 20000;
    private static final int EPMD_PORT = 4369;
    private static final String LOOPBACK = "127.0.0.1";
    private static final Pattern CONNECTION_NAME =
            Pattern.compile("\\{\"connection_name\",\"((?:[^\"\\\\]|\\\\.)*)\"\\}");

    private static final System.Logger LOG = System.getLogger(RabbitMqNode.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<RabbitMqNode> LIVE = ConcurrentHashMap.newKeySet();
    private static final Object EPMD_LOCK = new Object();
    private static int nodesUsingEpmd;
    private static boolean epmdWasRunning;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> List.copyOf(LIVE).forEach(RabbitMqNode::stopQuietly), "rabbitmq-node-cleanup"));
    }

    private final Path directory;
    private final String nodeName;
    private final int port;
    private final Map<String, String> environment;
    private final String cookie;
    private final AtomicInteger ctlCalls = new AtomicInteger();
    private volatile ProcessHandle vm;
    private volatile String version;
    private boolean stopped;

    private RabbitMqNode(Path directory, String nodeName, int port, String cookie) {
        this.directory = directory;
        this.cookie = cookie;
        this.nodeName = nodeName;
        this.port = port;
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", pathInRoot(directory));
        env.put("LANG", "C.UTF-8");
        env.put("LC_ALL", "C.UTF-8");
        env.put("RABBITMQ_NODENAME", nodeName);
        env.put("RABBITMQ_NODE_IP_ADDRESS", LOOPBACK);
        env.put("RABBITMQ_NODE_PORT", Integer.toString(port));
        env.put("RABBITMQ_DIST_PORT", Integer.toString(port + DIST_PORT_OFFSET));
        env.put("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}");
        env.put("RABBITMQ_MNESIA_BASE", pathInRoot(directory.resolve("mnesia")));
        env.put("RABBITMQ_LOG_BASE", pathInRoot(directory.resolve("log")));
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", pathInRoot(directory.resolve("enabled_plugins")));
        env.put("RABBITMQ_CONFIG_FILE", pathInRoot(directory.resolve("rabbitmq")));
        env.put("RABBITMQ_ADVANCED_CONFIG_FILE", pathInRoot(directory.resolve("advanced.config")));
        env.put("RABBITMQ_CONF_ENV_FILE", pathInRoot(directory.resolve("rabbitmq-env.conf")));
        this.environment = Collections.unmodifiableMap(env);
    }

    /**
     * Whether RabbitMQ is installed where this class looks for it.
     *
     * @return true when {@code rabbitmq-server} and {@code rabbitmqctl} are there and executable
     */
    public static boolean installed() {
        return whyUnavailable() == null;
    }

    /**
     * Why no node can be started here.
     *
     * @return a sentence telling what is missing and how to get it, or {@code null} when RabbitMQ
     *         is installed
     */
    public static String whyUnavailable() {
        Optional<Path> root = root();
        if (root.isPresent()) {
            if (!Files.isDirectory(root.get())) {
                return "The RabbitMQ root " + root.get() + " (" + RABBITMQ_ROOT_PROPERTY + ") does not exist;"
                        + " prepare it with scripts/rabbitmq4-root.sh";
            }
            if (!Files.exists(root.get().resolve("proc/self")) || !Files.exists(root.get().resolve("dev/null"))) {
                return "The RabbitMQ root " + root.get() + " has no proc or /dev mounted;"
                        + " run scripts/rabbitmq4-root.sh " + root.get() + " (it mounts them)";
            }
        }
        for (Path script : List.of(scriptOnHost("rabbitmq-server"), scriptOnHost("rabbitmqctl"))) {
            if (!Files.isExecutable(script)) {
                return "RabbitMQ is not installed (" + script + " missing); install rabbitmq-server or run .ci/run"
                        + (root.isPresent() ? " (for the root: scripts/rabbitmq4-root.sh)" : "");
            }
        }
        return null;
    }

    /**
     * The version of the RabbitMQ installation nodes start from, without starting one: from the
     * name of its {@code lib/rabbitmq_server-<version>} folder.
     *
     * @return for example {@code 3.10.8} or {@code 4.0.5}
     * @throws IllegalStateException when RabbitMQ is not installed there
     */
    public static String installedVersion() {
        Path lib = hostPath(installation()).resolve("lib");
        try (Stream<Path> entries = Files.list(lib)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("rabbitmq_server-"))
                    .map(n -> n.substring("rabbitmq_server-".length())).sorted().reduce((a, b) -> b)
                    .orElseThrow(() -> new IllegalStateException("No rabbitmq_server-<version> folder in " + lib));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the RabbitMQ version from " + lib + ": " + e, e);
        }
    }

    /**
     * The major version of {@link #installedVersion()}.
     *
     * @return for example 3 or 4
     */
    public static int installedMajorVersion() {
        return Integer.parseInt(installedVersion().split("\\.")[0]);
    }

    /**
     * Whether nodes started here deny the deprecated features that RabbitMQ 4.3 denies by default
     * ({@link #DENY_DEPRECATED_FEATURES}): true from RabbitMQ 4 on.
     *
     * @return true for a RabbitMQ 4 or later installation
     */
    public static boolean deniesDeprecatedFeatures() {
        return installedMajorVersion() >= 4;
    }

    /**
     * Starts a new private node and waits until it accepts AMQP connections.
     *
     * <p>Takes several seconds. If the node dies while starting (as it does when another process
     * took one of its ports in the meantime), it is started again on other ports, up to three
     * times in all.
     *
     * @return the running node; {@link #stop()} it when done
     * @throws IllegalStateException when RabbitMQ is not installed or the node does not start
     */
    public static RabbitMqNode start() {
        return start(Setup.PLAIN, null);
    }

    /**
     * What a node starts with beyond the defaults: plugins, and the node's configuration.
     *
     * @param plugins the plugins to enable, e.g. {@code rabbitmq_auth_backend_oauth2}
     * @param conf lines added to {@code rabbitmq.conf}
     * @param advanced the whole {@code advanced.config} (Erlang terms), or {@code null} for none
     */
    public record Setup(List<String> plugins, List<String> conf, String advanced) {
        /** No plugin, nothing added. */
        public static final Setup PLAIN = new Setup(List.of(), List.of(), null);
    }

    /**
     * As {@link #start()}, with plugins and configuration of its own.
     *
     * @param setup what to add
     * @return the running node; {@link #stop()} it when done
     */
    public static RabbitMqNode start(Setup setup) {
        return start(setup, null);
    }

    /**
     * Starts a new private node that can join a cluster: as {@link #start()}, but with
     * {@code cookie} as its Erlang cookie (written to {@code $HOME/.erlang.cookie} before it starts,
     * so its {@code rabbitmqctl} calls use it too). Nodes with one cookie can cluster
     * ({@link RabbitMqCluster}).
     *
     * @param cookie the Erlang cookie shared by the cluster's nodes, or {@code null} for a node of
     *     its own (Erlang then makes up a cookie in its folder)
     * @return the running node; {@link #stop()} it when done
     * @throws IllegalStateException when RabbitMQ is not installed or the node does not start
     */
    public static RabbitMqNode start(String cookie) {
        return start(Setup.PLAIN, cookie);
    }

    /**
     * As {@link #start(Setup)} and {@link #start(String)} together.
     *
     * @param setup what to add
     * @param cookie the Erlang cookie, or {@code null} for a node of its own
     * @return the running node; {@link #stop()} it when done
     */
    public static RabbitMqNode start(Setup setup, String cookie) {
        String why = whyUnavailable();
        if (why != null) {
            throw new IllegalStateException(why);
        }
        IllegalStateException failure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            long begin = System.nanoTime();
            RabbitMqNode node = create(cookie);
            try {
                node.boot(setup);
                LOG.log(System.Logger.Level.INFO, "Started {0}, RabbitMQ {1}{2}, in {3} ms", node, node.version(),
                        root().map(r -> " from the root " + r).orElse(""), millisSince(begin));
                return node;
            } catch (NodeDiedException e) {
                LOG.log(System.Logger.Level.WARNING, "RabbitMQ node died while starting (attempt {0}): {1}",
                        attempt, e.getMessage());
                node.stop();
                if (failure == null) {
                    failure = new IllegalStateException("RabbitMQ node did not start in " + attempt + " attempts", e);
                } else {
                    failure.addSuppressed(e);
                }
            } catch (RuntimeException | Error e) {
                node.stop();
                throw e;
            }
        }
        throw failure;
    }

    /** @return the AMQP port, on 127.0.0.1 */
    public int port() {
        return port;
    }

    /** @return the Erlang distribution port, {@link #port()} + 20000 */
    public int distributionPort() {
        return port + DIST_PORT_OFFSET;
    }

    /** @return {@code amqp://guest:guest@127.0.0.1:<port>}, the default virtual host */
    public String uri() {
        return "amqp://guest:guest@" + LOOPBACK + ":" + port;
    }

    /** @return the Erlang node name, {@code tether-it-<random>@localhost} */
    public String nodeName() {
        return nodeName;
    }

    /** @return the node's private folder on this machine (inside the root, if any; deleted by {@link #stop()}) */
    public Path directory() {
        return directory;
    }

    /**
     * @return the RabbitMQ version the node announces in its {@code server-properties}, e.g.
     *     {@code 4.0.5}; known once {@link #start()} returned
     */
    public String version() {
        return version;
    }

    /**
     * The path a node sees for a file of this machine: the same path, or, for nodes running from a
     * root ({@value #RABBITMQ_ROOT_PROPERTY}), its path inside the root.
     *
     * @param path a path on this machine, inside the root if there is one
     * @return the path as RabbitMQ's programs see it
     * @throws IllegalArgumentException when a root is in use and {@code path} is outside it
     */
    public static String pathInRoot(Path path) {
        Optional<Path> root = root();
        if (root.isEmpty()) {
            return path.toString();
        }
        Path absolute = path.toAbsolutePath().normalize();
        Path base = root.get().toAbsolutePath().normalize();
        if (!absolute.startsWith(base)) {
            throw new IllegalArgumentException(path + " is outside the RabbitMQ root " + base);
        }
        return "/" + base.relativize(absolute);
    }

    /**
     * A new connection factory for this node: {@link #uri()}, every other setting the client's
     * default (automatic recovery included).
     *
     * @return the factory
     */
    public ConnectionFactory connectionFactory() {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(LOOPBACK);
        factory.setPort(port);
        factory.setUsername("guest");
        factory.setPassword("guest");
        return factory;
    }

    /** @return whether the node's Erlang VM is running (its RabbitMQ application may be stopped) */
    public boolean isRunning() {
        return findVm().isPresent();
    }

    /**
     * Runs {@code rabbitmqctl -n <node> args...} with the node's environment and waits at most
     * {@link #RABBITMQCTL_TIMEOUT} for it.
     *
     * @param args the command and its arguments, e.g. {@code "list_queues", "name"}
     * @return what it printed on standard output
     * @throws IllegalStateException when it exits with non-zero status (the message has its
     *         standard error) or times out
     */
    public String rabbitmqctl(String... args) {
        return rabbitmqctl(RABBITMQCTL_TIMEOUT, args);
    }

    /**
     * Runs {@code rabbitmqctl -n <node> args...} with the node's environment.
     *
     * @param timeout how long to wait for it; it is killed then
     * @param args the command and its arguments
     * @return what it printed on standard output
     * @throws IllegalStateException when it exits with non-zero status (the message has its
     *         standard error) or times out
     */
    public String rabbitmqctl(Duration timeout, String... args) {
        return run("rabbitmqctl", timeout, args);
    }

    /**
     * Runs {@code rabbitmq-upgrade -n <node> args...} (e.g. {@code drain}, {@code revive}) with the
     * node's environment and waits at most {@link #RABBITMQCTL_TIMEOUT} for it.
     *
     * @param args the command and its arguments
     * @return what it printed on standard output
     * @throws IllegalStateException when it exits with non-zero status or times out
     */
    public String rabbitmqUpgrade(String... args) {
        return run("rabbitmq-upgrade", RABBITMQCTL_TIMEOUT, args);
    }

    /** Runs one of RabbitMQ's command-line tools against this node ({@code -n <node>}). */
    private String run(String tool, Duration timeout, String... args) {
        List<String> command = command(script(tool), "-n", nodeName);
        command.addAll(List.of(args));
        int call = ctlCalls.incrementAndGet();
        Path out = directory.resolve(tool + "-" + call + ".out");
        Path err = directory.resolve(tool + "-" + call + ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Paths.get("/dev/null").toFile()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        applyEnvironment(builder);
        long begin = System.nanoTime();
        try {
            Process process = builder.start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.log(System.Logger.Level.DEBUG, "{0} {1} on {2}: {3} ms",
                    tool, String.join(" ", args), nodeName, millisSince(begin));
            if (!finished) {
                kill(process.toHandle());
                throw new IllegalStateException(tool + " " + String.join(" ", args) + " on " + nodeName
                        + " did not finish within " + timeout.toMillis() + " ms; stderr: " + read(err).strip());
            }
            String stdout = read(out);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(tool + " " + String.join(" ", args) + " on " + nodeName
                        + " exited with " + process.exitValue() + ": " + read(err).strip()
                        + (stdout.isBlank() ? "" : " (stdout: " + stdout.strip() + ")"));
            }
            return stdout;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + tool + " " + String.join(" ", args), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + tool + " " + String.join(" ", args), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** Stops the RabbitMQ application ({@code stop_app}): clients are disconnected, the VM stays. */
    public void stopApp() {
        rabbitmqctl("stop_app");
    }

    /**
     * Starts the RabbitMQ application again ({@code start_app}) and waits until AMQP connections succeed.
     *
     * <p>RabbitMQ 4.0.5 set to deny {@code transient_nonexcl_queues} often refuses {@code start_app}
     * on a clustered node (right after {@code join_cluster}, and in a rolling restart) with
     * {@code {failed_to_deny_deprecated_features, [transient_nonexcl_queues]}}, though the cluster
     * has no such queue: its check whether the feature is in use cannot yet read the cluster's
     * queues. The application stays stopped, and a later {@code start_app} starts it (after 1 to 4
     * refusals, up to about 25 s on a loaded machine, in the runs here). That refusal is logged at WARNING and retried every second until
     * {@link #START_TIMEOUT}; any other failure is thrown at once.
     */
    public void startApp() {
        long deadline = Await.deadline(START_TIMEOUT);
        for (int attempt = 1; ; attempt++) {
            try {
                rabbitmqctl("start_app");
                break;
            } catch (IllegalStateException e) {
                if (Await.passed(deadline) || !String.valueOf(e.getMessage()).contains("failed_to_deny_deprecated_features")) {
                    throw attempt == 1 ? e : new IllegalStateException(e.getMessage() + "\n" + logTail(), e);
                }
                LOG.log(System.Logger.Level.WARNING, "start_app on {0} refused by RabbitMQ {1} (attempt {2}),"
                        + " starting it again: {3}", nodeName, version, attempt,
                        e.getMessage().lines().skip(1).findFirst().orElse(e.getMessage()));
                Await.pause(Duration.ofSeconds(1));
            }
        }
        awaitAmqp(START_TIMEOUT);
    }

    /**
     * Closes every client connection ({@code close_all_connections}); clients get
     * {@code connection.close} 320 CONNECTION_FORCED with this reason.
     *
     * @param reason the text sent to the clients
     */
    public void closeAllConnections(String reason) {
        rabbitmqctl("close_all_connections", reason);
    }

    /**
     * The open client connections, each by its client-provided name (the {@code connection_name}
     * client property) or, for a connection without one, by the broker's name for it
     * ({@code "127.0.0.1:<client port> -> 127.0.0.1:<port>"}).
     *
     * @return the names, one per connection
     */
    public List<String> connectionNames() {
        String out = rabbitmqctl("list_connections", "--quiet", "--no-table-headers", "name", "client_properties");
        List<String> names = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] columns = line.split("\t", 2);
            names.add(clientName(columns.length > 1 ? columns[1] : "", columns[0].strip()));
        }
        return names;
    }

    /**
     * @param clientProperties a {@code client_properties} column of {@code list_connections}
     * @param otherwise what to return when it has no {@code connection_name}
     * @return the client-provided connection name in it, else {@code otherwise}
     */
    static String clientName(String clientProperties, String otherwise) {
        Matcher provided = CONNECTION_NAME.matcher(clientProperties);
        return provided.find() ? provided.group(1).replaceAll("\\\\(.)", "$1") : otherwise;
    }

    /** @return how many client connections are open */
    public int connectionCount() {
        return connectionNames().size();
    }

    /**
     * Sets the memory high watermark ({@code set_vm_memory_high_watermark}) as a fraction of the
     * machine's memory. A tiny value raises the memory alarm, which blocks publishers (clients get
     * {@code connection.blocked}); {@code 0.4} is RabbitMQ's default.
     *
     * @param fraction the fraction, at least 0
     */
    public void setMemoryHighWatermark(double fraction) {
        if (!(fraction >= 0) || Double.isInfinite(fraction)) {
            throw new IllegalArgumentException("fraction must be a finite number >= 0: " + fraction);
        }
        rabbitmqctl("set_vm_memory_high_watermark", BigDecimal.valueOf(fraction).toPlainString());
    }

    /**
     * Adds a user ({@code add_user}) with no permissions.
     *
     * @param user the user name
     * @param password the password
     */
    public void addUser(String user, String password) {
        rabbitmqctl("add_user", user, password);
    }

    /**
     * Gives a user full configure, write and read permissions on a virtual host.
     *
     * @param vhost the virtual host
     * @param user the user
     */
    public void setPermissions(String vhost, String user) {
        rabbitmqctl("set_permissions", "-p", vhost, user, ".*", ".*", ".*");
    }

    /**
     * Adds a virtual host ({@code add_vhost}).
     *
     * @param vhost its name
     */
    public void addVhost(String vhost) {
        rabbitmqctl("add_vhost", vhost);
    }

    /**
     * Stops the node and deletes its folder: {@code rabbitmqctl stop}, then waits for the Erlang VM
     * to exit (terminating, then killing it if it has not within 30 s), then lets go of epmd (see
     * the class comment). Does nothing the second time.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        long begin = System.nanoTime();
        try {
            Optional<ProcessHandle> running = findVm();
            if (running.isPresent()) {
                try {
                    rabbitmqctl(STOP_TIMEOUT, "stop");
                } catch (RuntimeException e) {
                    // fall through: the VM is terminated below
                }
                ProcessHandle handle = running.get();
                if (!awaitExit(handle, STOP_TIMEOUT)) {
                    LOG.log(System.Logger.Level.WARNING, "{0} did not exit after rabbitmqctl stop; killing it", this);
                    kill(handle);
                }
            }
        } finally {
            LIVE.remove(this);
            releaseEpmd();
            deleteRecursively(directory);
            LOG.log(System.Logger.Level.INFO, "Stopped {0} in {1} ms", this, millisSince(begin));
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "RabbitMqNode[" + nodeName + ", amqp " + LOOPBACK + ":" + port + ", " + directory + "]";
    }

    private static RabbitMqNode create(String cookie) {
        int port = choosePort();
        String name = "tether-it-" + HexFormat.of().toHexDigits(RANDOM.nextInt()) + "@localhost";
        Path directory;
        try {
            Optional<Path> root = root();
            directory = root.isPresent()
                    ? Files.createTempDirectory(root.get().resolve("var/tmp"), "tether-it-rabbitmq-")
                    : Files.createTempDirectory("tether-it-rabbitmq-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a folder for a RabbitMQ node", e);
        }
        RabbitMqNode node = new RabbitMqNode(directory, name, port, cookie);
        acquireEpmd();
        LIVE.add(node);
        return node;
    }

    /** Picks an AMQP port in 10000..29999 such that it and its distribution port are free now. */
    private static int choosePort() {
        for (int i = 0; i < 1000; i++) {
            int candidate = 10000 + RANDOM.nextInt(20000);
            if (isFree(candidate) && isFree(candidate + DIST_PORT_OFFSET)) {
                return candidate;
            }
        }
        throw new IllegalStateException("Found no free pair of ports (p, p + " + DIST_PORT_OFFSET + ")");
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(LOOPBACK, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void boot(Setup setup) {
        try {
            Files.writeString(directory.resolve("enabled_plugins"), "[" + String.join(",", setup.plugins()) + "].\n");
            if (setup.advanced() != null) {
                Files.writeString(directory.resolve("advanced.config"), setup.advanced());
            }
            if (cookie != null) {
                Path cookieFile = directory.resolve(".erlang.cookie");
                Files.writeString(cookieFile, cookie);
                Files.setPosixFilePermissions(cookieFile, java.nio.file.attribute.PosixFilePermissions.fromString("r--------"));
            }
            Files.writeString(directory.resolve("rabbitmq-env.conf"), "# empty: /etc/rabbitmq/rabbitmq-env.conf is not read\n");
            Files.writeString(directory.resolve("rabbitmq.conf"), String.join("\n",
                    "# Private test node of dev.tether.testing.RabbitMqNode; ports, name and folders come from the environment.",
                    "log.file.level = info",
                    "# Only the tests raise alarms, on purpose: keep the disk alarm away on a nearly full disk.",
                    "disk_free_limit.absolute = 1MB",
                    deniesDeprecatedFeatures()
                            ? "# RabbitMQ 4.3's defaults, on 4.0 too\n" + String.join("\n", DENY_DEPRECATED_FEATURES)
                            : "",
                    String.join("\n", setup.conf()),
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the configuration of " + nodeName, e);
        }
        Path startLog = directory.resolve("rabbitmq-server.out");
        ProcessBuilder builder = new ProcessBuilder(command(script("rabbitmq-server"), "-detached"))
                .directory(directory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Paths.get("/dev/null").toFile()))
                .redirectErrorStream(true)
                .redirectOutput(startLog.toFile());
        applyEnvironment(builder);
        try {
            Process process = builder.start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill(process.toHandle());
                throw new IllegalStateException("rabbitmq-server -detached did not return; " + read(startLog));
            }
            if (process.exitValue() != 0) {
                throw new NodeDiedException("rabbitmq-server -detached exited with " + process.exitValue()
                        + ": " + read(startLog).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + script("rabbitmq-server"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting " + nodeName, e);
        }
        awaitAmqp(START_TIMEOUT);
    }

    /** Polls with real AMQP connections until one succeeds, the VM disappears, or the timeout. */
    private void awaitAmqp(Duration timeout) {
        long deadline = Await.deadline(timeout);
        long vmDeadline = Await.deadline(VM_APPEAR_TIMEOUT);
        Exception last = null;
        boolean vmSeen = false;
        while (true) {
            try {
                probe();
                return;
            } catch (IOException | TimeoutException e) {
                last = e;
            }
            boolean vmAlive = findVm().isPresent();
            vmSeen |= vmAlive;
            if (!vmAlive && (vmSeen || Await.passed(vmDeadline))) {
                throw new NodeDiedException("RabbitMQ node " + nodeName + " (AMQP port " + port + ") is not running;"
                        + " last connection attempt: " + last + "\n" + logTail());
            }
            if (Await.passed(deadline)) {
                throw new IllegalStateException("RabbitMQ node " + nodeName + " did not accept an AMQP connection on "
                        + LOOPBACK + ":" + port + " within " + timeout.toSeconds() + " s; last attempt: " + last
                        + "\n" + logTail(), last);
            }
            Await.pause(PROBE_INTERVAL);
        }
    }

    private void probe() throws IOException, TimeoutException {
        ConnectionFactory factory = connectionFactory();
        factory.setAutomaticRecoveryEnabled(false);
        factory.setConnectionTimeout(2000);
        factory.setHandshakeTimeout(5000);
        Connection connection = factory.newConnection("tether-it-startup-probe");
        version = String.valueOf(connection.getServerProperties().get("version"));
        connection.close();
    }

    /** Finds this node's Erlang VM: the beam process whose command line has {@code -home <folder>}. */
    private Optional<ProcessHandle> findVm() {
        ProcessHandle known = vm;
        if (known != null && known.isAlive()) {
            return Optional.of(known);
        }
        String home = " -home " + pathInRoot(directory) + " ";
        Optional<ProcessHandle> found;
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            found = all.filter(p -> p.info().command().orElse("").contains("beam"))
                    .filter(p -> p.info().commandLine().orElse("").contains(home))
                    .findFirst();
        }
        found.ifPresent(p -> vm = p);
        return found;
    }

    private void applyEnvironment(ProcessBuilder builder) {
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("RABBITMQ_"));
        env.putAll(environment);
    }

    private String logTail() {
        Path log = directory.resolve("log").resolve(nodeName + ".log");
        StringBuilder tail = new StringBuilder("--- ").append(log).append(" (last lines) ---\n");
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(l -> tail.append(l).append('\n'));
        } catch (IOException e) {
            tail.append("(cannot read it: ").append(e).append(")\n");
        }
        Path startLog = directory.resolve("rabbitmq-server.out");
        if (Files.exists(startLog)) {
            tail.append("--- rabbitmq-server -detached output ---\n").append(read(startLog));
        }
        return tail.toString();
    }

    private static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** Terminates a process and its descendants, forcibly if they do not exit in time. */
    private static void kill(ProcessHandle process) {
        List<ProcessHandle> all = new ArrayList<>();
        process.descendants().forEach(all::add);
        all.add(process);
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : all) {
            if (!awaitExit(p, KILL_TIMEOUT)) {
                p.destroyForcibly();
                awaitExit(p, KILL_TIMEOUT);
            }
        }
    }

    private static void acquireEpmd() {
        synchronized (EPMD_LOCK) {
            if (nodesUsingEpmd == 0) {
                epmdWasRunning = epmdRunning();
            }
            nodesUsingEpmd++;
        }
    }

    private static void releaseEpmd() {
        synchronized (EPMD_LOCK) {
            nodesUsingEpmd--;
            if (nodesUsingEpmd > 0 || epmdWasRunning || !epmdRunning()) {
                return;
            }
            // epmd refuses -kill while any node is registered, so other users' nodes are safe.
            String epmd = epmdExecutable();
            if (epmd == null) {
                return;
            }
            try {
                Process process = new ProcessBuilder(command(epmd.toString(), "-kill"))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (!process.waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                }
            } catch (IOException e) {
                // leave epmd running: harmless
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean epmdRunning() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LOOPBACK, EPMD_PORT), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** @return epmd as the node's programs see it (inside the root, if any), or null when there is none */
    private static String epmdExecutable() {
        for (String candidate : List.of("/usr/lib/erlang/bin/epmd", "/usr/bin/epmd", "/usr/local/bin/epmd")) {
            if (Files.isExecutable(hostPath(candidate))) {
                return candidate;
            }
        }
        return null;
    }

    private static long millisSince(long nanoTime) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoTime);
    }

    /** @return a RabbitMQ script as the node's programs see it (a path inside the root, if any) */
    private static String script(String name) {
        return installation() + "/bin/" + name;
    }

    private static Path scriptOnHost(String name) {
        return hostPath(script(name));
    }

    private static String installation() {
        return System.getProperty(RABBITMQ_HOME_PROPERTY, DEFAULT_RABBITMQ_HOME);
    }

    /** @return the root RabbitMQ runs from ({@value #RABBITMQ_ROOT_PROPERTY}), if any */
    public static Optional<Path> root() {
        String root = System.getProperty(RABBITMQ_ROOT_PROPERTY, "");
        return root.isBlank() ? Optional.empty() : Optional.of(Paths.get(root).toAbsolutePath().normalize());
    }

    /** @return where a path seen by RabbitMQ's programs is on this machine */
    private static Path hostPath(String path) {
        Optional<Path> root = root();
        return root.isPresent() ? root.get().resolve(path.replaceFirst("^/+", "")) : Paths.get(path);
    }

    /** @return {@code executable args...}, through {@code chroot <root>} when RabbitMQ runs from a root */
    private static List<String> command(String executable, String... args) {
        List<String> command = new ArrayList<>();
        root().ifPresent(r -> command.addAll(List.of("chroot", r.toString())));
        command.add(executable);
        command.addAll(List.of(args));
        return command;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a leftover file in the node's folder, deleted with it
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(RabbitMqNode::deleteQuietly);
        } catch (IOException e) {
            // leave what cannot be listed; it is in the temporary folder
        }
    }

    private static void stopQuietly(RabbitMqNode node) {
        try {
            node.stop();
        } catch (RuntimeException e) {
            // shutting down: nothing more to do
        }
    }

    /** The node's VM exited (or never ran) while starting: worth another try on other ports. */
    private static final class NodeDiedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        NodeDiedException(String message) {
            super(message);
        }
    }
}
