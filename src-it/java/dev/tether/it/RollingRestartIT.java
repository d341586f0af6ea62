package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionEvent.Connected;
import dev.tether.ConnectionEvent.Disconnected;
import dev.tether.ConnectionSettings;
import dev.tether.ConnectionState;
import dev.tether.PersistentConnection;
import dev.tether.testing.Await;
import dev.tether.testing.RabbitMqCluster;
import dev.tether.testing.RabbitMqClusterExtension;
import dev.tether.testing.RabbitMqNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Row {@code rolling-restart}: the three nodes of a cluster are restarted one after the other
 * ({@code stop_app}, a second down, {@code start_app}, wait until the cluster has three running
 * nodes) while persistent messages are published with confirms to a quorum queue and a consumer,
 * started in the {@code Connected} listener, acks them. Tether has all three addresses.
 *
 * <p>Shows: every confirmed id is consumed (duplicates counted); for each node's restart, the
 * time Tether had no connection (0 when it was not connected to that node); and readiness
 * (which is DOWN exactly when the holder's state is not {@code CONNECTED}) sampled every
 * millisecond, DOWN only inside the windows from {@code Disconnected} to the end of the
 * {@code Connected} listeners (the holder turns CONNECTED once they have declared the topology).
 */
@ExtendWith(RabbitMqClusterExtension.class)
class RollingRestartIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration DOWN = Duration.ofSeconds(1);
    private static final int BATCH = 20;
    /** Samples this close to a Disconnected or Connected event may see either side. */
    private static final long EDGE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final String queue = "it-roll-" + UUID.randomUUID().toString().substring(0, 8);
    private final IdConsumer consumer = new IdConsumer();
    private final Set<Integer> seen = consumer.seen();
    private final Set<Integer> confirmed = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean rolling = new AtomicBoolean(true);
    /** When the last {@code Connected} listener (registered last) ran: the topology is declared. */
    private final List<Long> readyAt = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** One readiness sample: the holder's state read between {@code before} and {@code after}; whether it was CONNECTED. */
    private record Sample(long before, long after, boolean up) {
    }

    @Test
    void aRollingRestartLosesNoConfirmedMessageAndReadinessIsDownOnlyWhileThereIsNoConnection(RabbitMqCluster cluster)
            throws Exception {
        Timeline timeline = new Timeline();
        PersistentConnection holder = PersistentConnection.builder(ConnectionSettings.builder("it-roll")
                        .uri(cluster.uri()).addresses(cluster.addresses()).connectionTimeout(Duration.ofSeconds(2)).build())
                .listener(timeline).listener(this::startConsumer)
                .listener(event -> {
                    if (event instanceof Connected) {
                        readyAt.add(System.nanoTime());
                    }
                }).build();
        List<Sample> samples = new ArrayList<>();
        Thread sampler = new Thread(() -> {
            while (rolling.get()) {
                long before = System.nanoTime();
                boolean up = holder.state() == ConnectionState.CONNECTED;
                Sample sample = new Sample(before, System.nanoTime(), up);
                synchronized (samples) {
                    samples.add(sample);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // deliberate: the sampling period
            }
        }, "it-roll-readiness-sampler");
        Thread publisher = new Thread(() -> publish(holder), "it-roll-publisher");
        RabbitMqNode stopped = null;
        Map<String, Long> withoutConnectionMs = new LinkedHashMap<>();
        try {
            holder.await(WAIT);
            sampler.start();
            publisher.start();
            Await.until("some confirmed messages before the roll", WAIT, () -> confirmed.size() >= 200);
            for (RabbitMqNode node : cluster.nodes()) {
                int disconnectsBefore = timeline.all(Disconnected.class).size();
                stopped = node;
                node.stopApp();
                LockSupport.parkNanos(DOWN.toNanos()); // deliberate: the node stays down for a while
                node.startApp();
                stopped = null;
                Await.slowly("three running nodes after restarting " + node.nodeName(), WAIT,
                        () -> cluster.runningNodes() == RabbitMqCluster.SIZE);
                int confirmedNow = confirmed.size();
                Await.until("publishing goes on after restarting " + node.nodeName(), WAIT,
                        () -> confirmed.size() >= confirmedNow + 100);
                List<Disconnected> lost = timeline.all(Disconnected.class);
                long ms = 0;
                for (Disconnected d : lost.subList(disconnectsBefore, lost.size())) {
                    ms += timeline.millisBetween(d, timeline.all(Connected.class).stream()
                            .filter(c -> timeline.nanosOf(c) > timeline.nanosOf(d)).findFirst().orElseThrow());
                }
                withoutConnectionMs.put("node" + cluster.nodes().indexOf(node), ms);
            }
            rolling.set(false);
            publisher.join(WAIT.toMillis());
            sampler.join(WAIT.toMillis());

            Await.until("every confirmed id consumed", WAIT, () -> seen.containsAll(confirmed));
            List<Disconnected> disconnects = timeline.all(Disconnected.class);
            List<Sample> all;
            synchronized (samples) {
                all = List.copyOf(samples);
            }
            long downSampledMs = downMillis(all);
            List<long[]> edges = edges(timeline); // {nanos, 1 = down from here, 0 = up from here}
            long downEventsMs = downWindowsMillis(edges);
            // wrong: at both ends of the read, far from any edge, the windows say the opposite
            List<Sample> wrong = all.stream().filter(s -> !nearAnEdge(edges, s.before()) && !nearAnEdge(edges, s.after())
                    && s.up() == insideAWindow(edges, s.before()) && s.up() == insideAWindow(edges, s.after())).toList();
            Survives.report("rolling-restart", "nodes", RabbitMqCluster.SIZE, "confirmed", confirmed.size(),
                    "delivered", consumer.deliveries(), "duplicates", consumer.deliveries() - seen.size(),
                    "lost", confirmed.stream().filter(id -> !seen.contains(id)).count(),
                    "disconnects", disconnects.size(), "without_connection_ms_per_node", withoutConnectionMs,
                    "readiness_down_sampled_ms", downSampledMs, "down_until_topology_ms", downEventsMs, "readiness_samples", all.size(),
                    "readiness_wrong_samples", wrong.size(), "consumers_started", consumer.started());

            assertTrue(seen.containsAll(confirmed), "every confirmed message was consumed");
            assertTrue(disconnects.size() >= 1, "the node Tether was connected to was restarted: " + timeline);
            assertTrue(disconnects.stream().noneMatch(Disconnected::applicationInitiated));
            assertEquals(List.of(), wrong, "readiness DOWN exactly while there is no connection (samples more than "
                    + "50 ms from an edge): " + timeline);
            assertTrue(Math.abs(downSampledMs - downEventsMs) <= 250 * Math.max(1, disconnects.size()),
                    "sampled DOWN time " + downSampledMs + " ms vs no-connection time " + downEventsMs + " ms");
            assertEquals(disconnects.size() + 1, consumer.started(), "a consumer on every connection");
        } finally {
            rolling.set(false);
            publisher.join(WAIT.toMillis());
            if (stopped != null) {
                stopped.startApp();
            }
            try (Channel channel = holder.await(WAIT).createChannel()) {
                channel.queueDelete(queue);
            } catch (IOException | TimeoutException cleanup) {
                // Clean-up only, after the assertions: RabbitMQ 4.0.5 was seen (CI, 2026-12-03) taking
                // longer than the channel RPC timeout to delete this quorum queue just after the last
                // restarted node came back (its start_app retried). The queue stays in the private
                // cluster, which is deleted with it after the run.
                System.out.println("RollingRestartIT: queue " + queue + " left in the private cluster: " + cleanup);
            } finally {
                holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Disconnected events (down from there) and the ends of the Connected listeners (up from there), in order. */
    private List<long[]> edges(Timeline timeline) {
        List<long[]> edges = new ArrayList<>();
        timeline.entries().stream().filter(e -> e.event() instanceof Disconnected)
                .forEach(e -> edges.add(new long[] {e.nanos(), 1}));
        readyAt.forEach(n -> edges.add(new long[] {n, 0}));
        edges.sort(java.util.Comparator.comparingLong(e -> e[0]));
        return edges;
    }

    private static long downWindowsMillis(List<long[]> edges) {
        long nanos = 0;
        for (int i = 0; i + 1 < edges.size(); i++) {
            if (edges.get(i)[1] == 1) {
                nanos += edges.get(i + 1)[0] - edges.get(i)[0];
            }
        }
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static boolean insideAWindow(List<long[]> edges, long nanos) {
        long[] last = null;
        for (long[] edge : edges) {
            if (edge[0] > nanos) {
                break;
            }
            last = edge;
        }
        return last != null && last[1] == 1;
    }

    private static boolean nearAnEdge(List<long[]> edges, long nanos) {
        return edges.stream().anyMatch(e -> Math.abs(e[0] - nanos) <= EDGE_NANOS);
    }

    /** Sum of the gaps that begin with a DOWN sample. */
    private static long downMillis(List<Sample> samples) {
        long nanos = 0;
        for (int i = 0; i + 1 < samples.size(); i++) {
            if (!samples.get(i).up()) {
                nanos += samples.get(i + 1).after() - samples.get(i).after();
            }
        }
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** Publishes ids in confirmed batches until the roll is over; an unconfirmed batch goes out again. */
    private void publish(PersistentConnection holder) {
        int next = 0;
        List<Integer> batch = new ArrayList<>();
        Channel channel = null;
        while (rolling.get() || !batch.isEmpty()) {
            if (batch.isEmpty()) {
                for (int i = 0; i < BATCH; i++) {
                    batch.add(next++);
                }
            }
            try {
                if (channel == null || !channel.isOpen()) {
                    channel = holder.await(WAIT).createChannel();
                    channel.confirmSelect();
                }
                for (int id : batch) {
                    AMQP.BasicProperties properties = MessageProperties.PERSISTENT_BASIC.builder()
                            .messageId(Integer.toString(id)).build();
                    channel.basicPublish("", queue, properties, Integer.toString(id).getBytes(StandardCharsets.UTF_8));
                }
                channel.waitForConfirmsOrDie(TimeUnit.SECONDS.toMillis(10));
                confirmed.addAll(batch);
                batch.clear();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // deliberate: pacing
            } catch (IOException | TimeoutException | ShutdownSignalException | IllegalStateException e) {
                IdConsumer.abortQuietly(channel); // not confirmed: the same ids go out again
                channel = null;
            } catch (InterruptedException e) {
                return;
            }
        }
        IdConsumer.abortQuietly(channel);
    }

    /** The {@code Connected} listener: declares the quorum queue and consumes it with manual acks. */
    private void startConsumer(ConnectionEvent event) throws IOException {
        if (event instanceof Connected connected) {
            Channel channel = connected.connection().createChannel();
            channel.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "quorum"));
            consumer.start(channel, queue, 200);
        }
    }
}
