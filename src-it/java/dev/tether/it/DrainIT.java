package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.ConnectionEvent.Connected;
import dev.tether.ConnectionEvent.Disconnected;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.testing.Await;
import dev.tether.testing.RabbitMqCluster;
import dev.tether.testing.RabbitMqClusterExtension;
import dev.tether.testing.RabbitMqNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Row {@code drain}: {@code rabbitmq-upgrade drain} (maintenance mode) on the node Tether is
 * connected to. What RabbitMQ 3.10 does, shown here: it suspends the node's client listeners (a
 * TCP connect to its AMQP port is refused) and closes its client connections (320
 * CONNECTION_FORCED). Tether moves to another node in its first attempt (no backoff), and while the
 * node is drained every reconnect lands elsewhere; after {@code revive} the port accepts again.
 */
@ExtendWith(RabbitMqClusterExtension.class)
class DrainIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int RECONNECTS_WHILE_DRAINED = 4;

    @Test
    void aDrainedNodeClosesTetherWhichMovesAtOnceAndStaysAwayUntilRevive(RabbitMqCluster cluster) throws Exception {
        Timeline timeline = new Timeline();
        PersistentConnection holder = PersistentConnection.builder(ConnectionSettings.builder("it-drain")
                        .uri(cluster.uri()).addresses(cluster.addresses()).connectionTimeout(Duration.ofSeconds(2)).build())
                .listener(timeline).build();
        RabbitMqNode drained = null;
        try {
            Connected first = timeline.await(Connected.class, 1, WAIT);
            RabbitMqNode node = cluster.nodeOnPort(first.address().getPort());
            assertEquals(List.of("tether-it-drain"), cluster.connectionsOn(node));

            long drainAt = System.nanoTime();
            drained = node;
            cluster.drain(node);
            long drainCallMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - drainAt);
            Connected moved = timeline.await(Connected.class, 2, WAIT);
            Disconnected lost = timeline.all(Disconnected.class).get(0);

            assertFalse(lost.applicationInitiated());
            assertNotEquals(node.port(), moved.address().getPort(), "moved to another node: " + moved);
            assertEquals(1, moved.attempt(), "in the first attempt, no backoff: " + timeline);
            assertTrue(timeline.between(lost, moved).stream().noneMatch(ConnectFailed.class::isInstance), timeline.toString());
            assertThrows(ConnectException.class, () -> tcpConnect(node.port()),
                    "a drained node's AMQP listener is suspended: connections are refused");
            assertEquals(List.of(), cluster.connectionsOn(node));

            List<Integer> portsWhileDrained = new ArrayList<>();
            for (int i = 0; i < RECONNECTS_WHILE_DRAINED; i++) {
                RabbitMqNode current = cluster.nodeOnPort(timeline.all(Connected.class).get(i + 1).address().getPort());
                cluster.closeConnectionsOn(current, "it-drain: reconnect while another node is drained");
                Connected next = timeline.await(Connected.class, i + 3, WAIT);
                portsWhileDrained.add(next.address().getPort());
            }
            assertFalse(portsWhileDrained.contains(node.port()), "never back on the drained node: " + portsWhileDrained);

            long reviveAt = System.nanoTime();
            cluster.revive(node);
            drained = null;
            Await.slowly("the revived node accepts TCP connections", WAIT, () -> {
                try {
                    tcpConnect(node.port());
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
            long reviveMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - reviveAt);

            Survives.report("drain", "drain_call_ms", drainCallMs, "moved_ms", timeline.millisBetween(lost, moved),
                    "since_drain_call_ms", timeline.millisFrom(drainAt, moved), "attempt", moved.attempt(),
                    "listener_refused_while_drained", true, "reconnects_while_drained", RECONNECTS_WHILE_DRAINED,
                    "on_drained_node", portsWhileDrained.stream().filter(p -> p == node.port()).count(),
                    "accepts_after_revive_ms", reviveMs);
        } finally {
            if (drained != null) {
                cluster.revive(drained);
            }
            holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static void tcpConnect(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        }
    }
}
