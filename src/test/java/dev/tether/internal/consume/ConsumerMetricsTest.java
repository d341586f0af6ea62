package dev.tether.internal.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.SubscriptionEvent;
import dev.tether.SubscriptionOptions;
import dev.tether.testing.Await;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.InMemoryMetrics;
import dev.tether.testing.QpidBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Consumed messages by settlement, process durations, redeliveries and resubscribes in OpenTelemetry. */
@ExtendWith(EmbeddedBroker.class)
class ConsumerMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String NAME = "tether.connection.name";

    @Test
    void consumedMessagesAreCountedBySettlementAndResubscribesCounted(QpidBroker broker) throws Exception {
        List<SubscriptionEvent> events = new CopyOnWriteArrayList<>();
        try (InMemoryMetrics metrics = new InMemoryMetrics()) {
            PersistentConnection holder = PersistentConnection.builder(
                            ConnectionSettings.builder("consume-metrics").uri(broker.uri()).build())
                    .meter(metrics.openTelemetry().getMeter("dev.tether"))
                    .subscriptionListener(events::add).build();
            try {
                holder.await(WAIT);
                String queue = "consume-metrics-" + UUID.randomUUID();
                holder.channels().run(channel -> channel.queueDeclare(queue, false, false, false, null));
                holder.consumers().subscribe(queue, SubscriptionOptions.builder().redeliveryLimit(1).build(), message -> {
                    if (new String(message.body(), StandardCharsets.UTF_8).equals("poison")) {
                        throw new IllegalStateException("poison");
                    }
                });
                holder.publisher().publish("", queue, null, "ok".getBytes(StandardCharsets.UTF_8));
                holder.publisher().publish("", queue, null, "poison".getBytes(StandardCharsets.UTF_8));
                Await.until("ok acked, poison requeued once then rejected", WAIT,
                        () -> metrics.count("messaging.client.consumed.messages", NAME, "consume-metrics",
                                "tether.settlement", "reject") == 1);
                assertEquals(1, metrics.count("messaging.client.consumed.messages", NAME, "consume-metrics",
                        "tether.settlement", "ack"));
                assertEquals(1, metrics.count("messaging.client.consumed.messages", NAME, "consume-metrics",
                        "tether.settlement", "requeue"));
                assertEquals(3, metrics.histogramCount("messaging.process.duration", NAME, "consume-metrics"));
                assertEquals(1, metrics.count("tether.consumer.redelivered", NAME, "consume-metrics"));
                assertEquals(0, metrics.count("tether.consumer.resubscribes", NAME, "consume-metrics"));
                holder.reconnect();
                Await.until("subscribed again", WAIT,
                        () -> events.stream().filter(SubscriptionEvent.Started.class::isInstance).count() == 2);
                assertEquals(1, metrics.count("tether.consumer.resubscribes", NAME, "consume-metrics"));
            } finally {
                holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }
}
