package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.Backoff;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.Subscription;
import dev.tether.SubscriptionEvent;
import dev.tether.SubscriptionOptions;
import dev.tether.internal.consume.ManagedConsumers;
import dev.tether.testing.Await;
import dev.tether.testing.RabbitMq;
import dev.tether.testing.RabbitMqNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A consumer timeout (issue 19): the broker closes a channel whose delivery stays unacknowledged
 * longer than {@code consumer_timeout} with {@code 406 PRECONDITION_FAILED}, the connection living on
 * (MassTransit #4544: a consumer killed that way unnoticed). On a node of its own whose
 * {@code advanced.config} sets {@code consumer_timeout} to {@value #TIMEOUT_MS} ms and
 * {@code channel_tick_interval} (how often a channel checks its deliveries' age, once a minute by
 * default on 3.10 and 4.0: {@code rabbit.app} of both) to {@value #TICK_MS} ms, so the broker acts
 * about 1 s after the delivery instead of up to a minute later. Node-wide settings, so the same
 * test runs on 3.10.8 and 4.0.5, on a classic queue. (RabbitMQ's current documentation describes
 * per-queue {@code x-consumer-timeout} and a {@code consumer-timeout} policy, and, from 4.3, a
 * {@code basic.cancel} instead of the channel's close and quorum queues only: neither is tried here.)
 *
 * <p>Shows, every message counted by id: the closed channel is noticed (a {@code Lost} event whose
 * cause is the channel's 406), the subscription is re-established on the same connection, the slow
 * message's late ack is dropped and counted, the message is redelivered and handled again, every
 * other message is handled at least once (duplicates counted), and publishing with confirms goes on
 * meanwhile.
 */
@ExtendWith(RabbitMq.class)
class ConsumerTimeoutIT {

    static final int TIMEOUT_MS = 1_000;
    static final int TICK_MS = 100;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int OTHERS = 200;

    @Test
    void aHandlerSlowerThanTheConsumerTimeoutLosesItsChannelAndTheSubscriptionComesBackOnTheSameConnection()
            throws Exception {
        long began = System.nanoTime();
        RabbitMqNode.Setup setup = new RabbitMqNode.Setup(List.of(), List.of(), "[{rabbit, [{consumer_timeout, "
                + TIMEOUT_MS + "}, {channel_tick_interval, " + TICK_MS + "}]}].\n");
        try (RabbitMqNode node = RabbitMqNode.start(setup)) {
            long nodeStarted = System.nanoTime();
            List<SubscriptionEvent> events = new CopyOnWriteArrayList<>();
            List<ConnectionEvent> connectionEvents = new CopyOnWriteArrayList<>();
            CountDownLatch lost = new CountDownLatch(1);
            AtomicLong lostAt = new AtomicLong();
            PersistentConnection holder = PersistentConnection.builder(ConnectionSettings.builder("it-consumer-timeout")
                            .uri(node.uri()).backoff(Backoff.DEFAULT.withInitial(Duration.ofMillis(50))).build())
                    .listener(connectionEvents::add)
                    .subscriptionListener(event -> {
                        events.add(event);
                        if (event instanceof SubscriptionEvent.Lost) {
                            lostAt.compareAndSet(0, System.nanoTime());
                            lost.countDown();
                        }
                    }).build();
            try {
                Connection connection = holder.await(WAIT);
                String queue = "tether-it-consumer-timeout";
                holder.channels().run(channel -> channel.queueDeclare(queue, true, false, false, null));
                holder.publisher().publish("", queue, properties("slow"), new byte[16]);
                publish(holder, queue, "m", OTHERS);

                Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
                AtomicLong slowFirstDelivered = new AtomicLong();
                Subscription subscription = holder.consumers().subscribe(queue,
                        SubscriptionOptions.builder().prefetch(10).concurrency(2).build(), message -> {
                            String id = message.properties().getMessageId();
                            int times = handled.computeIfAbsent(id, i -> new AtomicInteger()).incrementAndGet();
                            if (id.equals("slow") && times == 1) {
                                slowFirstDelivered.set(System.nanoTime());
                                // slower than the timeout: returns once the broker has closed the channel
                                assertTrue(lost.await(30, TimeUnit.SECONDS), "the broker never closed the channel");
                            }
                        });

                assertTrue(lost.await(30, TimeUnit.SECONDS), "no Lost event within 30 s: " + events);
                publish(holder, queue, "during", 20); // confirmed while the subscription comes back
                Await.until("subscribed again", WAIT, () -> started(events) == 2);
                long resubscribedAt = System.nanoTime();
                Await.until("the slow message redelivered and handled", WAIT, () -> handled.get("slow").get() >= 2);
                Await.until("every message handled", WAIT, () -> handled.size() == 1 + OTHERS + 20);
                Await.until("the queue empty", WAIT, () -> messageCount(holder, queue) == 0);

                SubscriptionEvent.Lost loss = events.stream().filter(SubscriptionEvent.Lost.class::isInstance)
                        .map(SubscriptionEvent.Lost.class::cast).findFirst().orElseThrow();
                ShutdownSignalException signal = (ShutdownSignalException) loss.cause();
                assertTrue(!signal.isHardError(), "a channel error, not the connection's: " + signal);
                assertEquals(406, ((AMQP.Channel.Close) signal.getReason()).getReplyCode(), signal.getMessage());
                assertSame(connection, holder.get(), "the connection was replaced");
                assertEquals(1, connectionEvents.stream().filter(ConnectionEvent.Connected.class::isInstance).count(),
                        "the connection was lost: " + connectionEvents);
                assertEquals(Subscription.State.CONSUMING, subscription.state());
                long droppedAcks = ((ManagedConsumers) holder.consumers()).droppedAcks();
                assertTrue(droppedAcks >= 1, "the slow handler's ack on the closed channel was not dropped");
                long duplicates = handled.values().stream().mapToInt(AtomicInteger::get).filter(n -> n > 1).count();
                System.out.printf("ConsumerTimeoutIT on RabbitMQ %s: %d messages handled, %d duplicates (slow included), "
                                + "%d acks dropped; slow handler start to Lost %d ms (consumer_timeout %d ms, tick %d ms), "
                                + "Lost to Started %d ms; node start %d ms, whole test %d ms%n",
                        node.version(), handled.size(), duplicates, droppedAcks, millis(lostAt.get() - slowFirstDelivered.get()),
                        TIMEOUT_MS, TICK_MS, millis(resubscribedAt - lostAt.get()), millis(nodeStarted - began),
                        millis(System.nanoTime() - began));
                holder.channels().run(channel -> channel.queueDelete(queue));
            } finally {
                holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static long started(List<SubscriptionEvent> events) {
        return events.stream().filter(SubscriptionEvent.Started.class::isInstance).count();
    }

    private static void publish(PersistentConnection holder, String queue, String prefix, int count) throws Exception {
        List<CompletableFuture<Void>> confirms = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            confirms.add(holder.publisher().publishAsync("", queue, false, properties(prefix + i), new byte[16])
                    .toCompletableFuture());
        }
        CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    }

    private static AMQP.BasicProperties properties(String id) {
        return new AMQP.BasicProperties.Builder().messageId(id).deliveryMode(2).build();
    }

    private static long messageCount(PersistentConnection holder, String queue) {
        try {
            return holder.channels().call(channel -> channel.queueDeclarePassive(queue).getMessageCount());
        } catch (Exception e) {
            return -1;
        }
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
