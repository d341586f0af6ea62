package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;
import dev.tether.ChannelSettings;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.PublishException;
import dev.tether.testing.Await;
import dev.tether.testing.RabbitMq;
import dev.tether.testing.RabbitMqNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAccumulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * At-least-once under reconnects: 8 threads publish persistent messages with confirms to a durable
 * queue while {@code close_all_connections} cuts the connection 5 times; half of them wait for each
 * publish, half publish asynchronously in batches of 20 outstanding confirms. Every publish ends
 * within its limit, confirmed or failed with a {@link PublishException}, and every confirmed message
 * is in the queue.
 */
@ExtendWith(RabbitMq.class)
class PublishingUnderReconnectsIT {

    private static final int THREADS = 8;
    private static final int CUTS = 5;
    /** Confirms between two cuts, so that each cut finds publishes in flight. */
    private static final int CONFIRMED_BETWEEN_CUTS = 300;
    private static final Duration AWAIT_TIMEOUT = Duration.ofSeconds(5);
    private static final ChannelSettings CHANNELS = ChannelSettings.DEFAULT.withCheckoutTimeout(Duration.ofSeconds(5))
            .withConfirmTimeout(Duration.ofSeconds(10));
    /** The longest a publish may take: waiting for a connection, for a channel, for the confirm, and 5 s grace. */
    private static final Duration PUBLISH_LIMIT = AWAIT_TIMEOUT.plus(CHANNELS.checkoutTimeout())
            .plus(CHANNELS.confirmTimeout()).plusSeconds(5);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final String queue = "tether-it-reconnects-" + UUID.randomUUID().toString().substring(0, 8);
    private final Set<String> confirmed = ConcurrentHashMap.newKeySet();
    private final Map<PublishException.Reason, AtomicInteger> failed = new EnumMap<>(PublishException.Reason.class);
    private final LongAccumulator slowestMs = new LongAccumulator(Math::max, 0);
    private final AtomicBoolean stop = new AtomicBoolean();

    @Test
    void everyPublishIsConfirmedOrFailsWithTheDocumentedExceptionAndEveryConfirmedMessageIsQueued(RabbitMqNode node)
            throws Exception {
        for (PublishException.Reason reason : PublishException.Reason.values()) {
            failed.put(reason, new AtomicInteger());
        }
        PersistentConnection holder = PersistentConnection.builder(ConnectionSettings.builder("it-reconnects")
                .uri(node.uri()).awaitTimeout(AWAIT_TIMEOUT).channels(CHANNELS).build()).build();
        ExecutorService publishers = Executors.newFixedThreadPool(THREADS);
        try {
            holder.await(WAIT);
            holder.channels().run(channel -> channel.queueDeclare(queue, true, false, false, null));
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                running.add(publishers.submit(() -> thread % 2 == 0 ? publishUntilStopped(holder, thread)
                        : publishBatchesUntilStopped(holder, thread)));
            }
            for (int cut = 0; cut < CUTS; cut++) {
                int before = confirmed.size();
                Await.until(CONFIRMED_BETWEEN_CUTS + " more confirms", WAIT,
                        () -> confirmed.size() >= before + CONFIRMED_BETWEEN_CUTS);
                node.closeAllConnections("tether publishing test");
            }
            int before = confirmed.size();
            Await.until("publishing to recover after the last cut", WAIT,
                    () -> confirmed.size() >= before + CONFIRMED_BETWEEN_CUTS);
            stop.set(true);
            for (Future<?> publisher : running) {
                publisher.get(PUBLISH_LIMIT.toSeconds() + 10, TimeUnit.SECONDS); // none hangs
            }
            Set<String> queued = drain(holder);
            Set<String> missing = new java.util.TreeSet<>(confirmed);
            missing.removeAll(queued);
            int failures = failed.values().stream().mapToInt(AtomicInteger::get).sum();
            Survives.report("publish-reconnects", "threads", THREADS, "cuts", CUTS, "confirmed", confirmed.size(),
                    "failed", failures, "by_reason", failed, "queued", queued.size(), "confirmed_missing",
                    missing.size(), "slowest_publish_ms", slowestMs.get(), "limit_ms", PUBLISH_LIMIT.toMillis());
            assertTrue(missing.isEmpty(), "confirmed but not in the queue: " + missing);
            assertTrue(failures > 0, "the cuts caught publishes in flight");
            assertEquals(0, failed.get(PublishException.Reason.NACKED).get() + failed.get(PublishException.Reason.RETURNED)
                    .get(), "nothing nacked or returned: " + failed);
            assertTrue(slowestMs.get() <= PUBLISH_LIMIT.toMillis(), "slowest publish " + slowestMs.get() + " ms");
        } finally {
            stop.set(true);
            publishers.shutdownNow();
            publishers.awaitTermination(30, TimeUnit.SECONDS);
            try {
                holder.channels().run(channel -> channel.queueDelete(queue));
            } finally {
                holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private Void publishUntilStopped(PersistentConnection holder, int thread) throws InterruptedException {
        for (int i = 0; !stop.get(); i++) {
            String id = thread + "-" + i;
            long start = System.nanoTime();
            try {
                holder.publisher().publish("", queue, MessageProperties.PERSISTENT_BASIC,
                        id.getBytes(StandardCharsets.UTF_8));
                confirmed.add(id);
            } catch (PublishException e) {
                failed.get(e.reason()).incrementAndGet();
            } finally {
                slowestMs.accumulate(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            }
        }
        return null;
    }

    private Void publishBatchesUntilStopped(PersistentConnection holder, int thread) throws Exception {
        for (int batch = 0; !stop.get(); batch++) {
            long start = System.nanoTime();
            Map<String, java.util.concurrent.CompletableFuture<Void>> publishes = new java.util.LinkedHashMap<>();
            for (int i = 0; i < 20; i++) {
                String id = thread + "-" + batch + "-" + i;
                publishes.put(id, holder.publisher().publishAsync("", queue, MessageProperties.PERSISTENT_BASIC,
                        id.getBytes(StandardCharsets.UTF_8)).toCompletableFuture());
            }
            for (Map.Entry<String, java.util.concurrent.CompletableFuture<Void>> publish : publishes.entrySet()) {
                try {
                    publish.getValue().get(PUBLISH_LIMIT.toMillis(), TimeUnit.MILLISECONDS); // a hang fails the test
                    confirmed.add(publish.getKey());
                } catch (java.util.concurrent.ExecutionException e) {
                    failed.get(((PublishException) e.getCause()).reason()).incrementAndGet();
                }
            }
            slowestMs.accumulate(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
        return null;
    }

    /** @return the ids of every message in the queue, consumed once all confirmed ones are seen or the wait ends */
    private Set<String> drain(PersistentConnection holder) throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Channel channel = holder.get().createChannel();
        try {
            channel.basicConsume(queue, true, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                    seen.add(new String(body, StandardCharsets.UTF_8));
                }
            });
            try {
                Await.until("every confirmed message to be consumed", WAIT, () -> seen.containsAll(confirmed));
            } catch (AssertionError reportedBelow) {
                // the caller reports what is missing
            }
        } finally {
            channel.abort();
        }
        return seen;
    }
}
