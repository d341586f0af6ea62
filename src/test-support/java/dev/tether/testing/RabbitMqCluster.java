package dev.tether.testing;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A private three-node RabbitMQ cluster for integration tests: three {@link RabbitMqNode}s (own
 * names, ports and folders) with one Erlang cookie, the second and third joined to the first
 * ({@code stop_app}, {@code join_cluster}, {@code start_app}). Quorum queues work (their feature
 * flag is on in a fresh 3.10 node, and in 4.x). Runs on RabbitMQ 4.0.x from a root like single
 * nodes ({@link RabbitMqNode#RABBITMQ_ROOT_PROPERTY}). {@link RabbitMqClusterExtension} shares one per test run.
 *
 * <p>The nodes boot in parallel, so the cluster costs about one node's start plus two joins.
 * {@link #stop()} stops every node and deletes their folders.
 */
public final class RabbitMqCluster implements AutoCloseable {

    /** Number of nodes. */
    public static final int SIZE = 3;

    private static final Duration FORM_TIMEOUT = Duration.ofSeconds(60);

    private final List<RabbitMqNode> nodes;

    private RabbitMqCluster(List<RabbitMqNode> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /**
     * Starts three nodes and clusters them; blocks until every node accepts AMQP connections and
     * {@code cluster_status} lists three running nodes.
     *
     * @return the running cluster; {@link #stop()} it when done
     * @throws IllegalStateException when RabbitMQ is missing or the cluster does not form
     */
    public static RabbitMqCluster start() {
        long begin = System.nanoTime();
        String cookie = HexFormat.of().formatHex(new SecureRandom().generateSeed(16)).toUpperCase();
        List<RabbitMqNode> started = new ArrayList<>();
        ExecutorService boot = Executors.newFixedThreadPool(SIZE, r -> new Thread(r, "rabbitmq-cluster-boot"));
        try {
            List<Future<RabbitMqNode>> futures = new ArrayList<>();
            for (int i = 0; i < SIZE; i++) {
                futures.add(boot.submit(() -> RabbitMqNode.start(cookie)));
            }
            RuntimeException failure = null;
            for (Future<RabbitMqNode> future : futures) {
                try {
                    started.add(future.get());
                } catch (ExecutionException e) {
                    failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
            if (failure != null) {
                throw failure;
            }
            RabbitMqCluster cluster = new RabbitMqCluster(started);
            cluster.form();
            System.getLogger(RabbitMqCluster.class.getName()).log(System.Logger.Level.INFO,
                    "Formed {0} in {1} ms", cluster, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
            return cluster;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            started.forEach(RabbitMqNode::stop);
            throw new IllegalStateException("Interrupted while starting the cluster", e);
        } catch (RuntimeException | Error e) {
            started.forEach(RabbitMqNode::stop);
            throw e;
        } finally {
            boot.shutdownNow();
        }
    }

    private void form() {
        RabbitMqNode first = nodes.get(0);
        for (RabbitMqNode node : nodes.subList(1, SIZE)) {
            node.rabbitmqctl("stop_app");
            node.rabbitmqctl("join_cluster", first.nodeName());
            node.startApp();
        }
        Await.slowly("three running nodes in " + this, FORM_TIMEOUT, () -> runningNodes() == SIZE);
    }

    /** @return how many nodes {@code cluster_status} of the first running node lists as running */
    public int runningNodes() {
        for (RabbitMqNode node : nodes) {
            try {
                String status = node.rabbitmqctl("cluster_status", "--formatter", "json");
                int from = status.indexOf("\"running_nodes\"");
                if (from < 0) {
                    continue;
                }
                String list = status.substring(status.indexOf('[', from), status.indexOf(']', from));
                return (int) nodes.stream().filter(n -> list.contains("\"" + n.nodeName() + "\"")).count();
            } catch (IllegalStateException e) {
                // this node's application is down: ask the next
            }
        }
        return 0;
    }

    /** @return the nodes, in a fixed order */
    public List<RabbitMqNode> nodes() {
        return nodes;
    }

    /**
     * @param index 0, 1 or 2
     * @return that node
     */
    public RabbitMqNode node(int index) {
        return nodes.get(index);
    }

    /**
     * @param port an AMQP port
     * @return the node listening on it
     * @throws IllegalArgumentException when no node does
     */
    public RabbitMqNode nodeOnPort(int port) {
        return nodes.stream().filter(n -> n.port() == port).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node on port " + port + " in " + this));
    }

    /** @return the {@code tether.<name>.addresses} value: {@code 127.0.0.1:<port>} of every node, comma-separated */
    public String addresses() {
        return nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
    }

    /** @return {@code amqp://guest:guest@127.0.0.1:<port of the first node>} */
    public String uri() {
        return nodes.get(0).uri();
    }

    /**
     * Puts a node into maintenance mode ({@code rabbitmq-upgrade drain}).
     *
     * @param node one of the nodes
     */
    public void drain(RabbitMqNode node) {
        node.rabbitmqUpgrade("drain");
    }

    /**
     * Takes a node out of maintenance mode ({@code rabbitmq-upgrade revive}).
     *
     * @param node one of the nodes
     */
    public void revive(RabbitMqNode node) {
        node.rabbitmqUpgrade("revive");
    }

    /**
     * The client connections open on one node (the broker lists those of the whole cluster; this
     * keeps those whose server port is the node's).
     *
     * @param node one of the nodes
     * @return their names (client-provided name, else the broker's)
     */
    public List<String> connectionsOn(RabbitMqNode node) {
        RabbitMqNode ask = nodes.stream().filter(n -> n != node).findFirst().orElseThrow();
        String out = askAnyRunning(ask, "list_connections", "--quiet", "--no-table-headers", "port", "client_properties");
        List<String> names = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] columns = line.split("\t", 2);
            if (line.isBlank() || !columns[0].strip().equals(Integer.toString(node.port()))) {
                continue;
            }
            names.add(RabbitMqNode.clientName(columns.length > 1 ? columns[1] : "", "(unnamed)"));
        }
        return names;
    }

    /**
     * Closes every client connection on one node ({@code close_all_connections} on that node);
     * clients get 320 CONNECTION_FORCED with this reason.
     *
     * @param node one of the nodes
     * @param reason the text sent to the clients
     */
    public void closeConnectionsOn(RabbitMqNode node, String reason) {
        node.closeAllConnections(reason);
    }

    private String askAnyRunning(RabbitMqNode first, String... args) {
        IllegalStateException failure = null;
        List<RabbitMqNode> order = new ArrayList<>(List.of(first));
        nodes.stream().filter(n -> n != first).forEach(order::add);
        for (RabbitMqNode node : order) {
            try {
                return node.rabbitmqctl(args);
            } catch (IllegalStateException e) {
                failure = e;
            }
        }
        throw failure;
    }

    /** Stops every node (in parallel) and deletes their folders. */
    public void stop() {
        List<Thread> stoppers = new ArrayList<>();
        for (RabbitMqNode node : nodes) {
            Thread t = new Thread(node::stop, "rabbitmq-cluster-stop");
            t.start();
            stoppers.add(t);
        }
        for (Thread t : stoppers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                nodes.forEach(RabbitMqNode::stop);
                return;
            }
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "RabbitMqCluster" + nodes.stream().map(n -> n.nodeName() + ":" + n.port()).toList();
    }
}
