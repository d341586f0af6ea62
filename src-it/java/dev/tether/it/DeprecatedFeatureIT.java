package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.rabbitmq.client.Channel;
import dev.tether.Backoff;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.ConnectionSettings;
import dev.tether.FailureKind;
import dev.tether.PersistentConnection;
import dev.tether.testing.Await;
import dev.tether.testing.RabbitMq;
import dev.tether.testing.RabbitMqNode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A {@code Connected} listener that uses a deprecated feature the broker denies (RabbitMQ 4.3's
 * defaults, which {@link RabbitMqNode} sets on 4.0 nodes too): the broker closes the channel or the
 * whole connection, and Tether reports a {@link FailureKind#DEPRECATED_FEATURE} misconfiguration,
 * naming the feature and what to do instead, retried at {@code backoff.max} rather than on the
 * transient backoff. Global QoS, the other feature 4.3 denies, is not refused on 4.0 but applied
 * per consumer. RabbitMQ 3.x permits these features, so on 3.x the tests are skipped with the
 * node's version as the reason.
 */
@ExtendWith(RabbitMq.class)
class DeprecatedFeatureIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Far above the transient backoff's first delays (100 ms, 200 ms, ...), short enough to see two attempts. */
    private static final Duration MAX = Duration.ofSeconds(3);
    private static final double JITTER = 0.2;

    @BeforeEach
    void onlyWhereTheBrokerDeniesDeprecatedFeatures(RabbitMqNode node) {
        assumeTrue(node.version().startsWith("4.") || node.version().matches("^[5-9]\\..*"),
                "RabbitMQ " + node.version() + " permits deprecated features (non-durable, non-exclusive queues,"
                        + " global QoS); this runs on RabbitMQ 4.x with 4.3's denials");
    }

    @Test
    void aListenerDeclaringANonDurableNonExclusiveQueueIsADeprecatedFeatureMisconfigurationRetriedAtTheMaximumDelay(
            RabbitMqNode node) throws Exception {
        ConnectFailed[] failures = rejectedTwice(node, "it-deprecated-queue", channel ->
                channel.queueDeclare("tether-it-transient-nonexcl", false, false, false, null));
        ConnectFailed first = failures[0];
        assertTrue(first.describe().contains("transient_nonexcl_queues"), first.describe());
        assertTrue(first.describe().contains("durable or exclusive"), first.describe());
    }

    @Test
    void globalQosIsNotRefusedOnRabbitMq40ButAppliedPerConsumer(RabbitMqNode node) throws Exception {
        // RabbitMQ 4.0 with deprecated_features.permit.global_qos = false logs "Feature `global_qos` is
        // deprecated" and accepts basic.qos(global=true) as per-consumer QoS: no refusal reaches the
        // client, so a Connected listener doing it connects. Two consumers on one channel, prefetch 1
        // "global": each gets a message unacknowledged, which a global limit of 1 would not allow.
        String queueA = "tether-it-qos-a-" + System.nanoTime();
        String queueB = "tether-it-qos-b-" + System.nanoTime();
        Timeline timeline = new Timeline();
        java.util.Set<String> delivered = java.util.concurrent.ConcurrentHashMap.newKeySet();
        PersistentConnection holder = PersistentConnection.builder(
                        ConnectionSettings.builder("it-deprecated-qos").uri(node.uri()).build())
                .listener(timeline)
                .listener(event -> {
                    if (event instanceof ConnectionEvent.Connected connected) {
                        Channel channel = connected.connection().createChannel();
                        channel.basicQos(1, true);
                        for (String queue : java.util.List.of(queueA, queueB)) {
                            channel.queueDeclare(queue, false, true, true, null);
                            channel.basicPublish("", queue, null, new byte[] {1});
                            channel.basicPublish("", queue, null, new byte[] {2});
                            channel.basicConsume(queue, false, (tag, message) -> delivered.add(queue), tag -> { });
                        }
                    }
                })
                .build();
        try {
            timeline.await(ConnectionEvent.Connected.class, 1, WAIT);
            Await.slowly("an unacknowledged message on each consumer", WAIT, () -> delivered.size() == 2);
            assertTrue(timeline.all(ConnectFailed.class).isEmpty(), timeline.toString());
            assertTrue(holder.current().isPresent());
        } finally {
            holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /** Starts a holder whose Connected listener does {@code topology}; returns its first two failures. */
    private static ConnectFailed[] rejectedTwice(RabbitMqNode node, String name, ChannelAction topology)
            throws Exception {
        Timeline timeline = new Timeline();
        Backoff backoff = Backoff.DEFAULT.withInitial(Duration.ofMillis(100)).withMax(MAX).withJitter(JITTER);
        PersistentConnection holder = PersistentConnection.builder(
                        ConnectionSettings.builder(name).uri(node.uri()).backoff(backoff).build())
                .listener(timeline)
                .listener(event -> {
                    if (event instanceof ConnectionEvent.Connected connected) {
                        try (Channel channel = connected.connection().createChannel()) {
                            topology.on(channel);
                        }
                    }
                })
                .build();
        try {
            ConnectFailed first = timeline.await(ConnectFailed.class, 1, WAIT);
            assertEquals(FailureKind.DEPRECATED_FEATURE, first.kind(), first.toString());
            assertTrue(first.kind().misconfiguration());
            assertNextDelayAtTheMaximum(first);
            ConnectFailed second = timeline.await(ConnectFailed.class, 2, WAIT);
            assertEquals(FailureKind.DEPRECATED_FEATURE, second.kind(), second.toString());
            assertNextDelayAtTheMaximum(second);
            long between = timeline.millisBetween(first, second);
            assertTrue(between >= first.nextDelay().toMillis(),
                    "the second attempt waited the first's delay: " + between + " ms, delay " + first.nextDelay());
            assertEquals(2, timeline.all(ConnectionEvent.Connecting.class).size(),
                    "no attempt in between, as the transient backoff would make: " + timeline);
            assertFalse(holder.current().isPresent(), "no connection is handed out");
            Survives.report("deprecated-feature", "kind", first.kind(), "next_delay_ms", first.nextDelay().toMillis(),
                    "between_attempts_ms", between, "broker", node.version());
            return new ConnectFailed[] {first, second};
        } finally {
            holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static void assertNextDelayAtTheMaximum(ConnectFailed failed) {
        long lowest = (long) (MAX.toMillis() * (1 - JITTER));
        long delay = failed.nextDelay().toMillis();
        assertTrue(delay >= lowest && delay <= MAX.toMillis(),
                "retried at backoff.max (" + lowest + ".." + MAX.toMillis() + " ms), not the transient backoff: "
                        + failed);
    }

    @FunctionalInterface
    private interface ChannelAction {
        void on(Channel channel) throws Exception;
    }
}
