package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.PublishException;
import dev.tether.PublishException.Reason;
import dev.tether.testing.RabbitMq;
import dev.tether.testing.RabbitMqNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code multiple} acks and nacks from RabbitMQ: many publishes sent at once to a queue holding at
 * most {@value #ACCEPTED} messages with {@code x-overflow=reject-publish}, so the broker acks the first
 * ones and nacks the rest, settling many sequence numbers per confirm. Every publish must end exactly
 * once, with its own outcome. The messages are persistent: the broker acks them once they are on
 * disk, many at a time ({@code multiple}), whatever the machine's pace. With transient messages and
 * 100 accepted, a quiet RabbitMQ 4.0.5 acked each one singly (seen in CI), and the probe failed.
 */
@ExtendWith(RabbitMq.class)
class MultipleConfirmsIT {

    private static final int PUBLISHES = 5_000;
    private static final int ACCEPTED = 1_000;

    private final String queue = "tether-it-multiple-" + UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, Object> rejectWhenFull = Map.of("x-max-length", ACCEPTED, "x-overflow", "reject-publish");

    @Test
    void multipleAcksAndNacksSettleEveryPublishOnceWithItsOwnOutcome(RabbitMqNode node) throws Exception {
        int[] multiples = rawClientMultiples(node);
        assertTrue(multiples[0] > 0 && multiples[1] > 0, "the broker sent multiple acks (" + multiples[0]
                + ") and nacks (" + multiples[1] + ") for this load");

        PersistentConnection holder = PersistentConnection.builder(ConnectionSettings.builder("it-multiple")
                .uri(node.uri()).build()).build();
        try {
            holder.await(Duration.ofSeconds(30));
            // durable: RabbitMQ 4.3 denies non-durable, non-exclusive queues
            holder.channels().run(channel -> channel.queueDeclare(queue, true, false, false, rejectWhenFull));
            AtomicIntegerArray ends = new AtomicIntegerArray(PUBLISHES);
            AtomicReferenceArray<Object> outcomes = new AtomicReferenceArray<>(PUBLISHES);
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < PUBLISHES; i++) {
                int index = i;
                all.add(holder.publisher().publishAsync("", queue, MessageProperties.PERSISTENT_BASIC, ("m" + i).getBytes(StandardCharsets.UTF_8))
                        .whenComplete((ok, failure) -> {
                            ends.incrementAndGet(index);
                            outcomes.set(index, failure == null ? "confirmed" : ((PublishException) failure).reason());
                        }).toCompletableFuture().handle((ok, failure) -> null));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            int confirmed = 0;
            for (int i = 0; i < PUBLISHES; i++) {
                assertEquals(1, ends.get(i), "publish " + i + " ended once");
                Object expected = i < ACCEPTED ? "confirmed" : Reason.NACKED;
                assertEquals(expected, outcomes.get(i), "publish " + i);
                confirmed += i < ACCEPTED ? 1 : 0;
            }
            assertEquals(ACCEPTED, (long) holder.channels().call(channel -> channel.messageCount(queue)));
            Survives.report("multiple-confirms", "publishes", PUBLISHES, "confirmed", confirmed, "nacked",
                    PUBLISHES - confirmed, "raw_multiple_acks", multiples[0], "raw_multiple_nacks", multiples[1]);
            holder.channels().run(channel -> channel.queueDelete(queue));
        } finally {
            holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /** @return how many acks and nacks with {@code multiple} the broker sends the raw client for the same load */
    private int[] rawClientMultiples(RabbitMqNode node) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(node.uri());
        AtomicInteger acks = new AtomicInteger();
        AtomicInteger nacks = new AtomicInteger();
        CompletableFuture<Void> done = new CompletableFuture<>();
        try (Connection connection = factory.newConnection("it-multiple-probe")) {
            Channel channel = connection.createChannel();
            String probe = queue + "-probe";
            channel.queueDeclare(probe, true, false, false, rejectWhenFull);
            channel.confirmSelect();
            channel.addConfirmListener(new ConfirmListener() {
                private long last;

                @Override
                public void handleAck(long tag, boolean multiple) {
                    count(tag, multiple, acks);
                }

                @Override
                public void handleNack(long tag, boolean multiple) {
                    count(tag, multiple, nacks);
                }

                private void count(long tag, boolean multiple, AtomicInteger multiples) {
                    if (multiple) {
                        multiples.incrementAndGet();
                    }
                    last = Math.max(last, tag);
                    if (last == PUBLISHES) { // the last sequence number settled: the broker confirms in order
                        done.complete(null);
                    }
                }
            });
            for (int i = 0; i < PUBLISHES; i++) {
                channel.basicPublish("", probe, MessageProperties.PERSISTENT_BASIC, ("p" + i).getBytes(StandardCharsets.UTF_8));
            }
            done.get(60, TimeUnit.SECONDS);
            channel.queueDelete(probe);
        }
        return new int[] {acks.get(), nacks.get()};
    }
}
