package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import dev.tether.Backoff;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.Subscription;
import dev.tether.SubscriptionEvent;
import dev.tether.SubscriptionOptions;
import dev.tether.testing.Await;
import dev.tether.testing.RabbitMqCluster;
import dev.tether.testing.RabbitMqClusterExtension;
import dev.tether.testing.RabbitMqNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The node hosting a quorum queue's leader stopped ({@code stop_app}) on the three-node cluster,
 * while a managed subscription consumes the queue (issue 19), every message counted by id:
 * <ul>
 *   <li>with the consumer's connection on the leader's node: the connection is lost, Tether connects
 *       to another node and the subscription comes back there;
 *   <li>with the connection on another node: the connection lives, the queue elects a new leader and
 *       the subscription goes on (whether the broker cancels the consumer or moves it quietly is
 *       reported, not assumed).
 * </ul>
 * Each: every message published before the stop is handled at least once while the old leader is
 * still down (duplicates counted), the subscription consumes again, and after the node is back a
 * message published then is handled too. The leader is placed with {@code x-queue-leader-locator:
 * client-local} (3.10 and 4.0 both have it) on the node the declaring connection is on.
 */
@ExtendWith(RabbitMqClusterExtension.class)
class QuorumLeaderStopIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int MESSAGES = 1_500;

    @Test
    void aSubscriptionOnTheLeadersNodeComesBackOnAnotherNode(RabbitMqCluster cluster) throws Exception {
        scenario(cluster, true);
    }

    @Test
    void aSubscriptionOnAnotherNodeGoesOnWhenTheLeaderStops(RabbitMqCluster cluster) throws Exception {
        scenario(cluster, false);
    }

    private void scenario(RabbitMqCluster cluster, boolean onLeader) throws Exception {
        String queue = "it-qq-leader-" + UUID.randomUUID().toString().substring(0, 8);
        List<SubscriptionEvent> events = new CopyOnWriteArrayList<>();
        List<ConnectionEvent> connections = new CopyOnWriteArrayList<>();
        String name = "it-qq-" + (onLeader ? "on-leader" : "elsewhere");
        PersistentConnection holder = PersistentConnection.builder(ConnectionSettings.builder(name).uri(cluster.uri())
                        .addresses(cluster.addresses()).connectionTimeout(Duration.ofSeconds(2))
                        .backoff(Backoff.DEFAULT.withInitial(Duration.ofMillis(50)).withMax(Duration.ofSeconds(1))).build())
                .listener(connections::add).subscriptionListener(events::add).build();
        boolean stopped = false;
        RabbitMqNode leader = null;
        try {
            holder.await(WAIT);
            int connectedPort = connectedTo(holder);
            RabbitMqNode connectedNode = cluster.nodeOnPort(connectedPort);
            leader = onLeader ? connectedNode
                    : cluster.nodes().stream().filter(n -> n != connectedNode).findFirst().orElseThrow();
            declareWithLeaderOn(leader, queue);
            assertEquals(leader.nodeName(), leaderOf(cluster, queue, leader), "the leader placed client-local");
            publish(holder, queue, "m", MESSAGES);
            Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
            CountDownLatch stopReturned = new CountDownLatch(1);
            Subscription subscription = holder.consumers().subscribe(queue,
                    SubscriptionOptions.builder().prefetch(20).concurrency(2).build(), message -> {
                        if (handled.size() >= 100) { // the stop lands while deliveries are unacked and most messages queued
                            assertTrue(stopReturned.await(60, TimeUnit.SECONDS), "stop_app did not return");
                        }
                        handled.computeIfAbsent(message.properties().getMessageId(), id -> new AtomicInteger())
                                .incrementAndGet();
                    });
            Await.until("consuming before the stop", WAIT, () -> handled.size() >= 100);
            int eventsBefore = events.size();
            long stopAt = System.nanoTime();
            stopped = true;
            leader.stopApp();
            long stopTook = System.nanoTime() - stopAt;
            stopReturned.countDown();
            int handledAtStop = handled.size();
            Await.until("every message handled while the old leader is down", WAIT, () -> handled.size() == MESSAGES);
            long allHandledAt = System.nanoTime();
            Await.until("consuming", WAIT, () -> subscription.state() == Subscription.State.CONSUMING);
            List<SubscriptionEvent> after = List.copyOf(events.subList(eventsBefore, events.size()));
            leader.startApp();
            stopped = false;
            Await.slowly("three running nodes", WAIT, () -> cluster.runningNodes() == RabbitMqCluster.SIZE);
            holder.publisher().publish("", queue, properties("after"), new byte[8]);
            Await.until("a message published after the restart handled", WAIT, () -> handled.containsKey("after"));

            long duplicates = handled.values().stream().mapToInt(AtomicInteger::get).filter(n -> n > 1).count();
            long disconnects = connections.stream().filter(ConnectionEvent.Disconnected.class::isInstance).count();
            String lost = after.stream().filter(SubscriptionEvent.Lost.class::isInstance)
                    .map(e -> ((SubscriptionEvent.Lost) e).cause() == null ? "basic.cancel"
                            : ((SubscriptionEvent.Lost) e).cause().getClass().getSimpleName()
                                    + (((com.rabbitmq.client.ShutdownSignalException) ((SubscriptionEvent.Lost) e).cause())
                                            .isHardError() ? "(connection)" : "(channel)"))
                    .collect(Collectors.joining(","));
            long started = after.stream().filter(SubscriptionEvent.Started.class::isInstance).count();
            System.out.printf("QuorumLeaderStopIT %s on RabbitMQ %s: %d messages handled (%d at the stop), %d duplicates, "
                            + "disconnects %d, after the stop: lost [%s], started %d, failed %d; stop_app took %d ms, "
                            + "all handled %d ms after stop_app returned%n", name, cluster.node(0).version(),
                    handled.size() - 1, handledAtStop, duplicates, disconnects, lost, started,
                    after.stream().filter(SubscriptionEvent.Failed.class::isInstance).count(), millis(stopTook),
                    millis(allHandledAt - stopAt - stopTook));
            if (onLeader) {
                assertTrue(disconnects >= 1, "the connection on the stopped node was not lost: " + connections);
                assertTrue(started >= 1, "the subscription did not start again on another node: " + after);
            } else {
                assertEquals(0, disconnects, "the connection on a running node was lost: " + connections);
                assertEquals(connectedPort, connectedTo(holder));
            }
            holder.channels().run(channel -> channel.queueDelete(queue));
        } finally {
            if (stopped && leader != null) {
                leader.startApp();
                Await.slowly("three running nodes", WAIT, () -> cluster.runningNodes() == RabbitMqCluster.SIZE);
            }
            holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static int connectedTo(PersistentConnection holder) {
        var address = holder.status().address();
        return address == null ? -1 : address.getPort();
    }

    /** Declares the quorum queue from a connection to {@code node} only, so its leader is there. */
    private static void declareWithLeaderOn(RabbitMqNode node, String queue) throws Exception {
        PersistentConnection declaring = PersistentConnection.builder(ConnectionSettings.builder("it-qq-declare")
                .uri(node.uri()).build()).build();
        try {
            declaring.await(WAIT);
            declaring.channels().run(channel -> channel.queueDeclare(queue, true, false, false,
                    Map.of("x-queue-type", "quorum", "x-queue-leader-locator", "client-local")));
        } finally {
            declaring.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /** @return the node name of the queue's leader, as {@code rabbitmqctl list_queues} on a running node says */
    private static String leaderOf(RabbitMqCluster cluster, String queue, RabbitMqNode ask) {
        for (String line : ask.rabbitmqctl("list_queues", "--quiet", "--no-table-headers", "name", "leader").split("\n")) {
            String[] columns = line.strip().split("\\s+");
            if (columns.length == 2 && columns[0].equals(queue)) {
                return columns[1];
            }
        }
        throw new AssertionError("queue " + queue + " not listed on " + ask + " in " + cluster);
    }

    private static void publish(PersistentConnection holder, String queue, String prefix, int count) throws Exception {
        List<CompletableFuture<Void>> confirms = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            confirms.add(holder.publisher().publishAsync("", queue, false, properties(prefix + i), new byte[64])
                    .toCompletableFuture());
        }
        CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    private static AMQP.BasicProperties properties(String id) {
        return new AMQP.BasicProperties.Builder().messageId(id).deliveryMode(2).build();
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
