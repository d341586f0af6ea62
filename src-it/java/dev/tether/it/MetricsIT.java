package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.rabbitmq.client.Channel;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.PublishException;
import dev.tether.testing.InMemoryMetrics;
import dev.tether.testing.Await;
import dev.tether.testing.RabbitMq;
import dev.tether.testing.RabbitMqNode;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tether's metrics where RabbitMQ differs from the embedded broker: {@code connection.blocked}
 * under a memory alarm, a mandatory message returned before its ack, and a connection closed by
 * {@code rabbitmqctl close_all_connections}.
 */
@ExtendWith(RabbitMq.class)
class MetricsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NAME = "tether.connection.name";
    /** RabbitMQ's default {@code vm_memory_high_watermark}. */
    private static final double DEFAULT_WATERMARK = 0.4;

    @Test
    void blockedReturnedAndALossAreRecorded(RabbitMqNode node) throws Exception {
        try (InMemoryMetrics metrics = new InMemoryMetrics()) {
            PersistentConnection holder = PersistentConnection.builder(
                    ConnectionSettings.builder("it-metrics").uri(node.uri()).build())
                    .meter(metrics.openTelemetry().getMeter("dev.tether")).build();
            try {
                holder.await(WAIT);
                PublishException returned = assertThrows(PublishException.class, () -> holder.publisher()
                        .publish("", "tether-it-metrics-nowhere-" + UUID.randomUUID(), true, null, new byte[] {1}));
                assertEquals(PublishException.Reason.RETURNED, returned.reason());
                assertEquals(1, metrics.count("messaging.client.sent.messages", NAME, "it-metrics", "error.type", "returned"));

                Channel channel = holder.get().createChannel();
                try {
                    node.setMemoryHighWatermark(0.0001);
                    // RabbitMQ blocks a connection (and says so) when it next publishes under the alarm.
                    channel.basicPublish("", "tether-it-metrics-nowhere", null, new byte[] {1});
                    Await.slowly("blocked = 1", WAIT, () -> metrics.count("tether.connection.blocked", NAME, "it-metrics") == 1);
                } finally {
                    node.setMemoryHighWatermark(DEFAULT_WATERMARK);
                }
                Await.slowly("blocked = 0", WAIT, () -> metrics.count("tether.connection.blocked", NAME, "it-metrics") == 0);

                node.closeAllConnections("tether metrics IT");
                Await.slowly("the reconnect", WAIT, () -> metrics.count("tether.connection.connects", NAME, "it-metrics") == 2);
                assertEquals(1, metrics.count("tether.connection.losses", NAME, "it-metrics"));
                assertEquals(1, metrics.histogramCount("tether.connection.outage.duration", NAME, "it-metrics"));
            } finally {
                holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }
    }
}
