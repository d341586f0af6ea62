package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.ChannelSettings;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.PublishException;
import dev.tether.PublishException.Reason;
import dev.tether.testing.RabbitMqNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Publishing at the broker's limits, each on a node of its own: a memory alarm ({@code connection.blocked})
 * and a {@code channel_max} lower than the pools need.
 */
class PublishingLimitsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(2);

    @Test
    void underAMemoryAlarmEveryPublishEndsWithinTheConfirmTimeoutAndLaterOnesAreNotSent() throws Exception {
        try (RabbitMqNode node = RabbitMqNode.start()) {
            PersistentConnection holder = PersistentConnection.builder(ConnectionSettings.builder("it-alarm")
                    .uri(node.uri()).channels(ChannelSettings.DEFAULT.withConfirmTimeout(CONFIRM_TIMEOUT)).build()).build();
            try {
                holder.await(WAIT);
                String queue = "tether-it-alarm-" + UUID.randomUUID().toString().substring(0, 8);
                holder.channels().run(channel -> channel.queueDeclare(queue, true, false, false, null));
                holder.publisher().publish("", queue, null, new byte[1]); // the confirm channel, before the alarm
                node.setMemoryHighWatermark(0);
                byte[] body = new byte[1 << 20];
                List<Reason> reasons = new ArrayList<>();
                for (int i = 0; i < 12; i++) { // 12 MB: more than the socket buffers take while the broker reads nothing
                    long start = System.nanoTime();
                    CompletableFuture<Reason> one = CompletableFuture.supplyAsync(() -> {
                        try {
                            holder.publisher().publish("", queue, null, body);
                            return null;
                        } catch (PublishException e) {
                            return e.reason();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    reasons.add(one.get(CONFIRM_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS)); // a hang fails here
                    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(CONFIRM_TIMEOUT.toSeconds() + 5));
                }
                assertEquals(Reason.NOT_SENT, reasons.get(reasons.size() - 1), String.valueOf(reasons));
                assertTrue(holder.status().blocked(), "the holder saw connection.blocked");
                node.setMemoryHighWatermark(0.4);
                holder.publisher().publish("", queue, null, new byte[1]); // after the alarm: confirmed
                holder.channels().run(channel -> channel.queueDelete(queue));
            } finally {
                holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void withFewerChannelNumbersThanThePoolsNeedAPublishWaitsForOneInsteadOfFailing() throws Exception {
        RabbitMqNode.Setup setup = new RabbitMqNode.Setup(List.of(), List.of("channel_max = 5"), null);
        try (RabbitMqNode node = RabbitMqNode.start(setup)) {
            PersistentConnection holder = PersistentConnection.builder(ConnectionSettings.builder("it-channel-max")
                    .uri(node.uri()).channels(ChannelSettings.DEFAULT.withMax(4).withCheckoutTimeout(WAIT)).build()).build();
            try {
                holder.await(WAIT);
                assertEquals(5, holder.get().getChannelMax()); // 4 for the occupants, 1 the holder's own
                ExecutorService threads = Executors.newCachedThreadPool(); // the common pool may have one thread
                CountDownLatch all = new CountDownLatch(4);
                CountDownLatch release = new CountDownLatch(1);
                List<CompletableFuture<Void>> occupants = new ArrayList<>();
                for (int i = 0; i < 4; i++) { // every channel number, held through Channels
                    occupants.add(CompletableFuture.runAsync(() -> {
                        try {
                            holder.channels().run(channel -> {
                                all.countDown();
                                try {
                                    release.await(30, TimeUnit.SECONDS);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                                throw new IOException("done: close this channel"); // a failed callback's channel is closed
                            });
                        } catch (IOException expected) {
                            // its channel number is free again
                        }
                    }, threads));
                }
                assertTrue(all.await(30, TimeUnit.SECONDS));
                CompletableFuture<Void> publish = CompletableFuture.supplyAsync( // sending blocks: no number left
                        () -> holder.publisher().publishAsync("", "nowhere", null, new byte[1]), threads)
                        .thenCompose(stage -> stage);
                assertThrows(TimeoutException.class, () -> publish.get(1, TimeUnit.SECONDS), "still waiting, not failed");
                release.countDown();
                publish.get(30, TimeUnit.SECONDS); // old: NOT_SENT at once, "no channel number left"
                CompletableFuture.allOf(occupants.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
                threads.shutdown();
            } finally {
                holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }
    }
}
