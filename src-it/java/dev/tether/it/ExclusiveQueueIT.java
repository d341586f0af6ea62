package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.ConnectionEvent.Connected;
import dev.tether.ConnectionEvent.Disconnected;
import dev.tether.ConnectionSettings;
import dev.tether.ConnectionState;
import dev.tether.FailureKind;
import dev.tether.PersistentConnection;
import dev.tether.testing.Await;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.RabbitMqCluster;
import dev.tether.testing.RabbitMqClusterExtension;
import dev.tether.testing.RabbitMqNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Row {@code exclusive-queue}: a {@code Connected} listener declares a named exclusive queue. The
 * client side of the connection is cut ({@link FaultProxy#cutClientSide()}) while the broker still
 * holds the old connection, so each new connection's declaration meets {@code 405
 * RESOURCE_LOCKED} until the broker's heartbeat timeout frees the queue. Shows: each rejected
 * connection is a {@code ConnectFailed} of kind {@link FailureKind#RESOURCE_LOCKED} naming the
 * queue, retried within {@code backoff.refused-max}; readiness (the holder's state) stays DOWN
 * until the declaration succeeds; the time until the topology is back.
 */
@ExtendWith(RabbitMqClusterExtension.class)
class ExclusiveQueueIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration HEARTBEAT = Duration.ofSeconds(4);
    private static final String NAME = "it-exclusive";

    @Test
    void theDeclarationIsRetriedAsResourceLockedUntilTheBrokerFreesTheQueueAndReadinessStaysDown(RabbitMqCluster cluster)
            throws Exception {
        RabbitMqNode node = cluster.node(0);
        String queue = "it-exclusive-" + UUID.randomUUID().toString().substring(0, 8);
        List<Long> declaredAt = new CopyOnWriteArrayList<>();
        Timeline timeline = new Timeline();
        try (FaultProxy proxy = FaultProxy.start(node.port())) {
            PersistentConnection holder = PersistentConnection.builder(ConnectionSettings.builder(NAME)
                            .uri(proxy.uri()).heartbeat(HEARTBEAT).connectionTimeout(Duration.ofSeconds(2)).build())
                    .listener(timeline)
                    .listener(event -> {
                        if (event instanceof Connected connected) {
                            Channel channel = connected.connection().createChannel();
                            channel.queueDeclare(queue, false, true, false, null);
                            declaredAt.add(System.nanoTime());
                        }
                    }).build();
            AtomicBoolean sampling = new AtomicBoolean(true);
            List<long[]> upSamples = new CopyOnWriteArrayList<>(); // {nanos} of samples that saw CONNECTED
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    if (holder.state() == ConnectionState.CONNECTED) {
                        upSamples.add(new long[] {System.nanoTime()});
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // deliberate: the sampling period
                }
            }, "it-exclusive-readiness-sampler");
            try {
                holder.await(WAIT);
                assertEquals(1, declaredAt.size());
                sampler.start();

                long cutAt = System.nanoTime();
                proxy.cutClientSide();
                Disconnected lost = timeline.await(Disconnected.class, 1, WAIT);
                List<String> heldByBroker = node.connectionNames();
                Await.until("the topology declared again", WAIT, () -> declaredAt.size() >= 2);
                long backAt = declaredAt.get(1);
                sampling.set(false);
                sampler.join(WAIT.toMillis());

                List<ConnectFailed> failures = timeline.all(ConnectFailed.class);
                List<Long> delays = new ArrayList<>();
                failures.forEach(f -> delays.add(f.nextDelay().toMillis()));
                long edge = TimeUnit.MILLISECONDS.toNanos(50);
                long upWhileLocked = upSamples.stream()
                        .filter(s -> s[0] > cutAt + edge && s[0] < backAt - edge).count();
                long topologyBackMs = TimeUnit.NANOSECONDS.toMillis(backAt - cutAt);
                Survives.report("exclusive-queue", "heartbeat_s", HEARTBEAT.toSeconds(),
                        "detect_ms", timeline.millisFrom(cutAt, lost), "topology_back_ms", topologyBackMs,
                        "resource_locked_failures", failures.size(),
                        "kinds", failures.stream().map(ConnectFailed::kind).distinct().toList(),
                        "max_next_delay_ms", delays.stream().mapToLong(Long::longValue).max().orElse(-1),
                        "readiness_up_while_locked_samples", upWhileLocked,
                        "old_connection_held_by_broker_after_cut", heldByBroker.contains("tether-" + NAME));

                assertTrue(heldByBroker.contains("tether-" + NAME),
                        "the broker still held the old connection after the client-side cut: " + heldByBroker);
                assertTrue(failures.size() >= 1, "at least one declaration met 405: " + timeline);
                for (ConnectFailed f : failures) {
                    assertEquals(FailureKind.RESOURCE_LOCKED, f.kind(), f.toString());
                    assertTrue(f.describe().contains("RESOURCE_LOCKED") && f.describe().contains(queue), f.describe());
                    assertTrue(f.nextDelay().compareTo(Duration.ofSeconds(1)) <= 0, "within refused-max: " + f);
                }
                assertEquals(0, upWhileLocked, "readiness stayed DOWN while the queue was locked");
                assertEquals(ConnectionState.CONNECTED, holder.state());
                assertTrue(topologyBackMs < 4 * HEARTBEAT.toMillis() + 2000,
                        "back soon after the broker's heartbeat timeout: " + topologyBackMs + " ms");
            } finally {
                sampling.set(false);
                holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }
    }
}
