package dev.tether.internal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.impl.OpenTelemetryMetricsCollector;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.InMemoryMetrics;
import dev.tether.testing.LogCapture;
import dev.tether.testing.QpidBroker;
import dev.tether.testing.ThrowingMeter;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Metrics in plain Java: the builder's {@code meter(...)} and {@code metricsCollector(...)}; a failing meter. */
@ExtendWith(EmbeddedBroker.class)
class BuilderMetricsTest {

    private static final String NAME = "tether.connection.name";

    @Test
    void aHolderBuiltWithAMeterRecordsItsMetricsAndStopsObservingWhenClosed(QpidBroker broker) throws Exception {
        try (InMemoryMetrics metrics = new InMemoryMetrics()) {
            PersistentConnection holder = PersistentConnection.builder(
                    ConnectionSettings.builder("plain").uri(broker.uri()).build())
                    .meter(metrics.openTelemetry().getMeter("dev.tether"))
                    .metricsCollector(new OpenTelemetryMetricsCollector(metrics.openTelemetry()))
                    .build();
            holder.await(Duration.ofSeconds(10));
            String queue = "plain-" + UUID.randomUUID();
            holder.channels().run(channel -> channel.queueDeclare(queue, false, false, true, null));
            holder.publisher().publish("", queue, null, new byte[] {1});

            assertEquals(1, metrics.count("tether.connection.connects", NAME, "plain"));
            assertEquals(1, metrics.count("tether.connection.state", NAME, "plain", "tether.connection.state", "connected"));
            assertEquals(1, metrics.count("messaging.client.sent.messages", NAME, "plain", "error.type", null));
            assertEquals(1, metrics.histogramCount("tether.channel.wait_time", NAME, "plain", "tether.channel.pool", "channels"),
                    "one borrow from the channels (the publisher's borrow is its own point)");
            assertEquals(1, metrics.count("rabbitmq.published"), "the client's own collector");

            holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(0, metrics.count("tether.connection.state", NAME, "plain"), "no state observed after close");
            assertEquals(0, metrics.count("tether.channel.max", NAME, "plain"));
            assertEquals(1, metrics.count("tether.connection.connects", NAME, "plain"));
        }
    }

    @Test
    void aMeterThatFailsToRegisterCallbacksLeavesTheHolderWorkingAndItsCountersRecorded(QpidBroker broker)
            throws Exception {
        try (InMemoryMetrics metrics = new InMemoryMetrics(); LogCapture log = LogCapture.of("dev.tether")) {
            PersistentConnection holder = PersistentConnection.builder(
                    ConnectionSettings.builder("broken").uri(broker.uri()).build())
                    .meter(new ThrowingMeter(metrics.openTelemetry().getMeter("dev.tether"), "upDownCounterBuilder"))
                    .build();
            try {
                holder.await(Duration.ofSeconds(10));
                String queue = "broken-" + UUID.randomUUID();
                holder.channels().run(channel -> channel.queueDeclare(queue, false, false, true, null));
                holder.publisher().publish("", queue, null, new byte[] {1});

                assertEquals(1, metrics.count("tether.connection.connects", NAME, "broken"));
                assertEquals(1, metrics.count("messaging.client.sent.messages", NAME, "broken", "error.type", null));
                assertTrue(metrics.sum("tether.connection.state", NAME, "broken").isEmpty(), "no state gauge");
                assertTrue(metrics.sum("tether.channel.max", NAME, "broken").isEmpty(), "no pool gauge");
                assertEquals(3, log.records().stream().filter(r -> r.getLevel() == Level.WARNING
                        && r.getMessage().contains("is not observed: registering its callbacks failed")).count(),
                        "the holder and its two pools: " + log.messages());
                assertTrue(log.contains(Level.WARNING, "the confirm pool of connection 'broken' is not observed"),
                        String.valueOf(log.messages()));
            } finally {
                holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }
}
