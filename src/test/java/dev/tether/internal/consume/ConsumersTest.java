package dev.tether.internal.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import dev.tether.Backoff;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.Subscription;
import dev.tether.SubscriptionEvent;
import dev.tether.SubscriptionOptions;
import dev.tether.testing.Await;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.QpidBroker;
import dev.tether.testing.ThreadLeaks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Managed consumers on the embedded broker: resubscribed after losses, acks bound to their channel, threads. */
@ExtendWith(EmbeddedBroker.class)
class ConsumersTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    private final QpidBroker broker;
    private final String name = "consume-" + UUID.randomUUID().toString().substring(0, 8);
    private final String queue = "consumers-test-" + UUID.randomUUID();
    private final List<SubscriptionEvent> events = new CopyOnWriteArrayList<>();
    private PersistentConnection holder;

    ConsumersTest(QpidBroker broker) {
        this.broker = broker;
    }

    @BeforeEach
    void connect() throws Exception {
        holder = PersistentConnection.builder(ConnectionSettings.builder(name).uri(broker.uri())
                        .backoff(Backoff.DEFAULT.withInitial(Duration.ofMillis(20)).withMax(Duration.ofMillis(200))).build())
                .subscriptionListener(events::add).build();
        holder.await(WAIT);
        holder.channels().run(channel -> channel.queueDeclare(queue, false, false, false, null));
    }

    @AfterEach
    void close() throws Exception {
        holder.close().toCompletableFuture().get(20, TimeUnit.SECONDS);
        ThreadLeaks.awaitNone("tether-" + name, WAIT);
    }

    private void publish(String body) throws Exception {
        holder.publisher().publish("", queue, new AMQP.BasicProperties.Builder().messageId(body).build(),
                body.getBytes(StandardCharsets.UTF_8));
    }

    private long startedCount() {
        return events.stream().filter(SubscriptionEvent.Started.class::isInstance).count();
    }

    /** @return the messages ready in the queue (Qpid counts unacknowledged ones too) */
    private long ready() {
        try {
            return holder.channels().call(channel -> channel.queueDeclarePassive(queue).getMessageCount());
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void everyMessageIsHandledOnATetherThreadAndAcked() throws Exception {
        Set<String> handled = ConcurrentHashMap.newKeySet();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        holder.consumers().subscribe(queue, message -> {
            threads.add(Thread.currentThread().getName());
            handled.add(new String(message.body(), StandardCharsets.UTF_8));
        });
        for (int i = 0; i < 50; i++) {
            publish("m" + i);
        }
        Await.until("50 messages handled", WAIT, () -> handled.size() == 50);
        assertTrue(threads.stream().allMatch(t -> t.startsWith("tether-" + name + "-handler-")), threads.toString());
        Await.until("every message acked", WAIT, () -> ready() == 0);
    }

    @Test
    void aSubscriptionIsReestablishedOnEveryNewConnection() throws Exception {
        Set<String> handled = ConcurrentHashMap.newKeySet();
        Subscription subscription = holder.consumers().subscribe(queue,
                message -> handled.add(new String(message.body(), StandardCharsets.UTF_8)));
        Await.until("consuming", WAIT, () -> subscription.state() == Subscription.State.CONSUMING);
        for (int round = 0; round < 3; round++) {
            holder.reconnect();
            int expected = round + 2;
            Await.until("subscribed again after reconnect " + (round + 1), WAIT, () -> startedCount() == expected);
            publish("after-" + round);
            String body = "after-" + round;
            Await.until("the message after reconnect " + (round + 1) + " handled", WAIT, () -> handled.contains(body));
        }
        assertTrue(events.stream().anyMatch(SubscriptionEvent.Lost.class::isInstance), events.toString());
    }

    @Test
    void aSubscriptionWhoseChannelAloneClosesIsReestablished() throws Exception {
        Set<String> handled = ConcurrentHashMap.newKeySet();
        ManagedSubscription subscription = (ManagedSubscription) holder.consumers().subscribe(queue,
                message -> handled.add(new String(message.body(), StandardCharsets.UTF_8)));
        Await.until("consuming", WAIT, () -> subscription.state() == Subscription.State.CONSUMING);
        Channel first = subscription.channel();
        var connection = holder.get();
        first.close(AMQP.REPLY_SUCCESS, "closed by the test, not by Tether"); // channel-only loss
        Await.until("subscribed on a new channel", WAIT, () -> startedCount() == 2);
        assertNotSame(first, subscription.channel());
        assertTrue(connection.isOpen() && holder.get() == connection, "the connection was not replaced");
        publish("after");
        Await.until("handled on the new channel", WAIT, () -> handled.contains("after"));
    }

    @Test
    void anAckForADeliveryOfAClosedChannelIsDroppedAndCountedNeverSentOnTheNewOne() throws Exception {
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger deliveries = new AtomicInteger();
        ManagedSubscription subscription = (ManagedSubscription) holder.consumers().subscribe(queue, message -> {
            if (deliveries.incrementAndGet() == 1) {
                inHandler.countDown();
                assertTrue(release.await(20, TimeUnit.SECONDS));
            }
        });
        publish("slow");
        assertTrue(inHandler.await(10, TimeUnit.SECONDS));
        holder.reconnect();
        Await.until("subscribed on the new connection", WAIT, () -> startedCount() == 2);
        Channel fresh = subscription.channel();
        release.countDown(); // the handler returns: its ack belongs to the old, closed channel
        Await.until("the message redelivered on the new channel and handled", WAIT, () -> deliveries.get() == 2);
        ManagedConsumers consumers = (ManagedConsumers) holder.consumers();
        Await.until("the stale ack counted", WAIT, () -> consumers.droppedAcks() == 1);
        publish("next");
        Await.until("the new channel still consumes", WAIT, () -> deliveries.get() == 3);
        assertTrue(fresh.isOpen(), "the new channel was closed (an old delivery tag sent on it?)");
        assertEquals(fresh, subscription.channel());
        Await.until("all acked", WAIT, () -> ready() == 0);
    }

    @Test
    void noMoreHandlersRunAtOnceThanTheConcurrencyAndSeveralDo() throws Exception {
        for (int i = 0; i < 20; i++) {
            publish("c" + i); // before subscribing: the broker sends a whole prefetch at once
        }
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(20);
        ManagedSubscription subscription = (ManagedSubscription) holder.consumers().subscribe(queue,
                SubscriptionOptions.builder().prefetch(10).concurrency(3).build(), message -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        assertTrue(release.await(20, TimeUnit.SECONDS));
                    } finally {
                        running.decrementAndGet();
                        done.countDown();
                    }
                });
        Await.until("three handlers running and the rest of the prefetch waiting", WAIT,
                () -> running.get() == 3 && subscription.waitingCount() == 7);
        release.countDown();
        assertTrue(done.await(20, TimeUnit.SECONDS));
        assertEquals(3, most.get());
        assertEquals(3, subscription.mostRunning());
    }

    @Test
    void thePrefetchIsAppliedOnEveryNewChannel() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger handled = new AtomicInteger();
        ManagedSubscription subscription = (ManagedSubscription) holder.consumers().subscribe(queue,
                SubscriptionOptions.builder().prefetch(4).concurrency(1).build(), message -> {
                    running.incrementAndGet();
                    try {
                        assertTrue(release.await(20, TimeUnit.SECONDS));
                    } finally {
                        running.decrementAndGet();
                        handled.incrementAndGet();
                    }
                });
        Await.until("consuming", WAIT, () -> subscription.state() == Subscription.State.CONSUMING);
        holder.reconnect();
        Await.until("subscribed on the new connection", WAIT, () -> startedCount() == 2);
        for (int i = 0; i < 10; i++) {
            publish("q" + i);
        }
        Await.until("one handler running, three more fetched", WAIT,
                () -> running.get() == 1 && subscription.waitingCount() == 3);
        release.countDown();
        Await.until("all handled", WAIT, () -> handled.get() == 10);
    }

    @Test
    void theConcurrencyBoundsHandlersOfTheOldAndTheNewChannelTogether() throws Exception {
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger handled = new AtomicInteger();
        ManagedSubscription subscription = (ManagedSubscription) holder.consumers().subscribe(queue,
                SubscriptionOptions.builder().prefetch(5).concurrency(1).build(), message -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    inHandler.countDown();
                    try {
                        assertTrue(release.await(20, TimeUnit.SECONDS));
                    } finally {
                        running.decrementAndGet();
                        handled.incrementAndGet();
                    }
                });
        publish("first");
        assertTrue(inHandler.await(10, TimeUnit.SECONDS));
        holder.reconnect(); // the handler of the old channel runs on
        Await.until("subscribed on the new connection", WAIT, () -> startedCount() == 2);
        publish("second");
        Await.until("the redelivered first and the second wait for the one running handler", WAIT,
                () -> subscription.waitingCount() == 2);
        assertEquals(1, running.get());
        release.countDown();
        Await.until("all handled", WAIT, () -> handled.get() == 3 && ready() == 0);
        assertEquals(1, most.get());
    }

    @Test
    void aPoisonMessageIsRejectedAfterTheRedeliveryLimitWhileOthersFlow() throws Exception {
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        holder.consumers().subscribe(queue, SubscriptionOptions.builder().redeliveryLimit(3).build(), message -> {
            String body = new String(message.body(), StandardCharsets.UTF_8);
            seen.computeIfAbsent(body, b -> new AtomicInteger()).incrementAndGet();
            if (body.equals("poison")) {
                throw new IllegalArgumentException("cannot parse " + body);
            }
        });
        publish("poison");
        for (int i = 0; i < 10; i++) {
            publish("ok" + i);
        }
        Await.until("the others handled", WAIT, () -> seen.keySet().stream().filter(k -> k.startsWith("ok")).count() == 10);
        Await.until("the poison message handled limit + 1 times", WAIT,
                () -> seen.containsKey("poison") && seen.get("poison").get() == 4);
        // Qpid keeps a message nacked without requeue for other consumers (RabbitMQ drops or dead-letters
        // it: DeadLetteringIT); either way this subscription never gets it again
        publish("ok-last");
        Await.until("still consuming", WAIT, () -> seen.containsKey("ok-last"));
        assertEquals(4, seen.get("poison").get(), "the poison message came back after its rejection");
    }

    @Test
    void aHandlerMayPublishSubscribeAndCancelItsOwnSubscription() throws Exception {
        String other = queue + "-other";
        holder.channels().run(channel -> channel.queueDeclare(other, false, false, false, null));
        Set<String> forwarded = ConcurrentHashMap.newKeySet();
        AtomicInteger handled = new AtomicInteger();
        Subscription[] own = new Subscription[1];
        CountDownLatch subscribed = new CountDownLatch(1);
        own[0] = holder.consumers().subscribe(queue, message -> {
            handled.incrementAndGet();
            holder.publisher().publish("", other, null, message.body()); // blocks for the confirm: fine here
            holder.consumers().subscribe(other, forwardedMessage ->
                    forwarded.add(new String(forwardedMessage.body(), StandardCharsets.UTF_8)));
            subscribed.await();
            own[0].cancel();
        });
        subscribed.countDown();
        publish("hello");
        Await.until("forwarded through the publisher and consumed by the new subscription", WAIT,
                () -> forwarded.contains("hello"));
        Await.until("the own subscription cancelled", WAIT, () -> own[0].state() == Subscription.State.CANCELLED);
        own[0].cancel().toCompletableFuture().get(10, TimeUnit.SECONDS);
        publish("after-cancel");
        Await.until("the message after the cancel stays in the queue", WAIT, () -> ready() == 1);
        assertEquals(1, handled.get());
    }

    @Test
    void closingDrainsInFlightHandlersAndAcksThemBeforeTheConnectionCloses() throws Exception {
        CountDownLatch inHandler = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        holder.consumers().subscribe(queue, SubscriptionOptions.builder().prefetch(10).concurrency(2).build(), message -> {
            inHandler.countDown();
            assertTrue(release.await(20, TimeUnit.SECONDS));
            handled.incrementAndGet();
        });
        for (int i = 0; i < 5; i++) {
            publish("d" + i);
        }
        assertTrue(inHandler.await(10, TimeUnit.SECONDS));
        var closing = holder.close().toCompletableFuture();
        assertTrue(!closing.isDone(), "closed before the in-flight handlers finished");
        release.countDown();
        closing.get(20, TimeUnit.SECONDS);
        assertEquals(2, handled.get(), "only the two in-flight handlers ran");
        PersistentConnection checker = PersistentConnection.builder(ConnectionSettings.builder(name + "-check")
                .uri(broker.uri()).build()).build();
        try {
            checker.await(WAIT);
            long left = checker.channels().call(channel -> channel.queueDeclarePassive(queue).getMessageCount());
            assertEquals(3, left, "the two handled messages acked, the three unhandled back in the queue");
        } finally {
            checker.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
