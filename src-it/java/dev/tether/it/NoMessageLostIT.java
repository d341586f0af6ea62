package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.testing.Await;
import dev.tether.testing.RabbitMq;
import dev.tether.testing.RabbitMqNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * No message lost: 10,000 persistent messages published with confirms to a durable queue while
 * the broker is restarted three times ({@code stop_app} / {@code start_app}). A batch not
 * confirmed (nack, channel or connection gone) is published again once connected, so duplicates
 * are allowed; a consumer started in the {@code Connected} listener on every connection, with
 * manual acks, must see every id.
 */
@ExtendWith(RabbitMq.class)
class NoMessageLostIT {

    private static final int TOTAL = 10_000;
    private static final int BATCH = 50;
    /**
     * Pause after each message (at most ~1,000 messages/s): publishing spans the three restarts,
     * and a restart almost always finds a batch published but not yet confirmed.
     */
    private static final Duration PACE = Duration.ofMillis(1);
    /** The broker restarts once this many messages are confirmed: during publishing, spaced out. */
    private static final int[] RESTART_AT = {1_000, 4_000, 7_000};
    /** How long the broker stays stopped at each restart. */
    private static final Duration DOWN = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration RUN_LIMIT = Duration.ofMinutes(3);

    private final String queue = "tether-it-no-loss-" + UUID.randomUUID().toString().substring(0, 8);
    private final IdConsumer consumer = new IdConsumer();
    private final Set<Integer> seen = consumer.seen();
    private final AtomicInteger confirmed = new AtomicInteger();
    private final AtomicBoolean appStopped = new AtomicBoolean();

    @Test
    void tenThousandConfirmedMessagesAllArriveAcrossThreeBrokerRestarts(RabbitMqNode node) throws Exception {
        PersistentConnection holder = PersistentConnection.builder(ConnectionSettings.builder("it-no-loss")
                        .uri(node.uri()).connectionTimeout(Duration.ofSeconds(5)).build())
                .listener(this::startConsumer).build();
        List<Integer> confirmedAtStop = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> restarts = new CompletableFuture<>();
        Thread restarter = new Thread(() -> restartThreeTimes(node, confirmedAtStop, restarts), "it-no-loss-restarter");
        restarter.setDaemon(true);
        long begin = System.nanoTime();
        try {
            holder.await(WAIT);
            restarter.start();
            Publishing publishing = publishAll(holder);
            long publishMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
            restarts.get(WAIT.toSeconds(), TimeUnit.SECONDS);

            try {
                Await.until("the consumer to see all " + TOTAL + " ids", WAIT, () -> seen.size() == TOTAL);
            } catch (AssertionError missing) {
                // reported and asserted below, as the number lost
            }
            long lost = TOTAL - seen.size();
            long duplicates = consumer.deliveries() - seen.size();
            Survives.report("no-loss", "messages", TOTAL, "restarts", confirmedAtStop.size(),
                    "confirmed_at_each_stop", confirmedAtStop, "published", publishing.published,
                    "republished", publishing.published - TOTAL, "failed_batches", publishing.failedBatches,
                    "await_returned_closed", publishing.awaitReturnedClosed,
                    "delivered", consumer.deliveries(), "duplicates", duplicates, "lost", lost,
                    "connections", consumer.started(), "publish_s", publishMs / 1000,
                    "total_s", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - begin));

            assertEquals(0, lost, "messages lost");
            assertEquals(RESTART_AT.length, confirmedAtStop.size(), "restarts done");
            for (int at : confirmedAtStop) {
                assertTrue(at < TOTAL, "each restart happened during publishing: confirmed " + at + " of " + TOTAL
                        + " when stop_app returned");
            }
            assertTrue(publishing.failedBatches >= 1,
                    "a restart interrupted a batch, so that publishing again after reconnect was exercised");
            assertTrue(consumer.started() >= RESTART_AT.length + 1, "a consumer on every connection");
        } finally {
            restarter.interrupt();
            restarter.join(TimeUnit.SECONDS.toMillis(90));
            if (appStopped.get()) {
                node.startApp();
            }
            deleteQueue(holder);
            holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /** What the publisher did. */
    private record Publishing(long published, int failedBatches, int awaitReturnedClosed) {
    }

    /**
     * Publishes ids 0..9,999 in batches, each confirmed as a whole ({@code waitForConfirmsOrDie});
     * a batch that fails is published again, on a new channel once a connection is there.
     */
    private Publishing publishAll(PersistentConnection holder) throws InterruptedException {
        long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
        long published = 0;
        int failedBatches = 0;
        int handedOutClosed = 0;
        Channel channel = null;
        List<Integer> unconfirmed = new ArrayList<>();
        int next = 0;
        while (next < TOTAL || !unconfirmed.isEmpty()) {
            assertTrue(System.nanoTime() - deadline < 0, "publishing did not finish within " + RUN_LIMIT);
            if (unconfirmed.isEmpty()) {
                for (int i = 0; i < BATCH && next < TOTAL; i++) {
                    unconfirmed.add(next++);
                }
            }
            try {
                if (channel == null || !channel.isOpen()) {
                    Connection connection = holder.await(WAIT);
                    if (!connection.isOpen()) {
                        handedOutClosed++; // the holder has not withdrawn it yet: see StaleWindow
                    }
                    channel = connection.createChannel();
                    channel.confirmSelect();
                }
                for (int id : unconfirmed) {
                    AMQP.BasicProperties properties = MessageProperties.PERSISTENT_BASIC.builder()
                            .messageId(Integer.toString(id)).build();
                    channel.basicPublish("", queue, properties, Integer.toString(id).getBytes(StandardCharsets.UTF_8));
                    published++;
                    LockSupport.parkNanos(PACE.toNanos()); // deliberate: pacing (see PACE)
                }
                channel.waitForConfirmsOrDie(TimeUnit.SECONDS.toMillis(10));
                confirmed.addAndGet(unconfirmed.size());
                unconfirmed.clear();
            } catch (IOException | TimeoutException | ShutdownSignalException e) {
                failedBatches++; // not confirmed: the same ids go out again, on a new channel
                IdConsumer.abortQuietly(channel);
                channel = null;
            }
        }
        IdConsumer.abortQuietly(channel);
        return new Publishing(published, failedBatches, handedOutClosed);
    }

    /** Runs in the background: three restarts, each once enough messages are confirmed. */
    private void restartThreeTimes(RabbitMqNode node, List<Integer> confirmedAtStop, CompletableFuture<Void> done) {
        try {
            for (int threshold : RESTART_AT) {
                Await.until(threshold + " confirmed messages", WAIT, () -> confirmed.get() >= threshold);
                appStopped.set(true);
                node.stopApp();
                confirmedAtStop.add(confirmed.get());
                LockSupport.parkNanos(DOWN.toNanos()); // deliberate: the broker stays down for a while
                node.startApp();
                appStopped.set(false);
            }
            done.complete(null);
        } catch (Throwable e) {
            done.completeExceptionally(e);
        }
    }

    /** The {@code Connected} listener: declares the queue and consumes it with manual acks, on every connection. */
    private void startConsumer(ConnectionEvent event) throws IOException {
        if (event instanceof ConnectionEvent.Connected connected) {
            Channel channel = connected.connection().createChannel();
            channel.queueDeclare(queue, true, false, false, null);
            consumer.start(channel, queue, 500);
        }
    }

    private void deleteQueue(PersistentConnection holder) {
        try {
            Channel channel = holder.await(WAIT).createChannel();
            channel.queueDelete(queue);
            channel.close();
        } catch (Exception e) {
            System.out.println("Could not delete " + queue + ": " + e);
        }
    }
}
