package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import dev.tether.Backoff;
import dev.tether.ConnectionSettings;
import dev.tether.FailureKind;
import dev.tether.PersistentConnection;
import dev.tether.Subscription;
import dev.tether.SubscriptionEvent;
import dev.tether.SubscriptionOptions;
import dev.tether.internal.consume.ManagedConsumers;
import dev.tether.testing.Await;
import dev.tether.testing.RabbitMq;
import dev.tether.testing.RabbitMqNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Managed consumers on RabbitMQ, every message counted by id (at-least-once: every message handled,
 * duplicates counted): connections closed by the broker while consuming, a queue deleted and declared
 * again, a poison message dead-lettered, shutdown with handlers in flight, a stale ack after a
 * reconnect. Only durable or exclusive queues and per-consumer QoS, as RabbitMQ 4.3 requires.
 */
@ExtendWith(RabbitMq.class)
class ConsumersIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final String queue = "tether-it-consumers-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<SubscriptionEvent> events = new CopyOnWriteArrayList<>();
    private RabbitMqNode node;
    private PersistentConnection holder;

    @BeforeEach
    void connect(RabbitMqNode node) throws Exception {
        this.node = node;
        holder = PersistentConnection.builder(ConnectionSettings.builder("it-consumers").uri(node.uri())
                        .backoff(Backoff.DEFAULT.withInitial(Duration.ofMillis(50)).withMax(Duration.ofSeconds(2)))
                        .build())
                .subscriptionListener(events::add).build();
        holder.await(WAIT);
        holder.channels().run(channel -> channel.queueDeclare(queue, true, false, false, null));
    }

    @AfterEach
    void close() throws Exception {
        holder.close().toCompletableFuture().get(60, TimeUnit.SECONDS);
        PersistentConnection cleaner = PersistentConnection.builder(ConnectionSettings.builder("it-consumers-cleanup")
                .uri(node.uri()).build()).build();
        try {
            cleaner.await(WAIT);
            cleaner.channels().run(channel -> {
                channel.queueDelete(queue);
                channel.queueDelete(queue + "-dlq");
            });
        } finally {
            cleaner.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private void publishIds(int count) throws Exception {
        List<CompletableFuture<Void>> confirms = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            confirms.add(holder.publisher().publishAsync("", queue, false, properties("m" + i), new byte[1024])
                    .toCompletableFuture());
        }
        CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    }

    private static AMQP.BasicProperties properties(String id) {
        return new AMQP.BasicProperties.Builder().messageId(id).deliveryMode(2).build();
    }

    private long started() {
        return events.stream().filter(SubscriptionEvent.Started.class::isInstance).count();
    }

    @Test
    void everyMessageIsHandledWhileTheBrokerClosesTheConnectionFiveTimes() throws Exception {
        int total = 20_000;
        publishIds(total);
        Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
        holder.consumers().subscribe(queue, SubscriptionOptions.builder().prefetch(50).concurrency(4).build(),
                message -> {
                    handled.computeIfAbsent(message.properties().getMessageId(), id -> new AtomicInteger())
                            .incrementAndGet();
                    LockSupport.parkNanos(2_000_000); // deliberate: 2 ms of work, so the five cuts land while consuming
                });
        for (int cut = 1; cut <= 5; cut++) {
            int progress = handled.size() + 1_500;
            Await.until("progress before cut " + cut, WAIT, () -> handled.size() >= Math.min(progress, total));
            node.closeAllConnections("ConsumersIT cut " + cut);
            int subscriptions = cut + 1;
            Await.until("subscribed again after cut " + cut, WAIT, () -> started() >= subscriptions);
        }
        Await.until("every message handled", WAIT, () -> handled.size() == total);
        long duplicates = handled.values().stream().mapToInt(AtomicInteger::get).filter(n -> n > 1).count();
        System.out.printf("ConsumersIT: %d messages handled, %d duplicates, %d subscriptions, %d stale acks dropped%n",
                total, duplicates, started(), ((ManagedConsumers) holder.consumers()).droppedAcks());
        assertEquals(6, started(), "five cuts while consuming, each followed by a new subscription");
        Await.until("the queue empty", WAIT, () -> messageCount(queue) == 0);
    }

    @Test
    void aQueueDeletedAndDeclaredAgainIsConsumedAgainWithoutLosingTheConnection() throws Exception {
        Set<String> handled = ConcurrentHashMap.newKeySet();
        Subscription subscription = holder.consumers().subscribe(queue, message -> handled.add(message.properties().getMessageId()));
        Await.until("consuming", WAIT, () -> subscription.state() == Subscription.State.CONSUMING);
        var connection = holder.get();
        holder.channels().run(channel -> channel.queueDelete(queue)); // RabbitMQ sends basic.cancel
        Await.until("a failed attempt on the missing queue", WAIT, () -> events.stream()
                .anyMatch(e -> e instanceof SubscriptionEvent.Failed f && f.kind() == FailureKind.QUEUE_NOT_FOUND));
        holder.publisher().publish("", "amq.fanout", null, new byte[0]); // publishing goes on meanwhile
        holder.channels().run(channel -> channel.queueDeclare(queue, true, false, false, null));
        Await.until("consuming from the new queue", WAIT, () -> started() == 2);
        holder.publisher().publish("", queue, properties("again"), new byte[0]);
        Await.until("handled from the new queue", WAIT, () -> handled.contains("again"));
        assertTrue(holder.get() == connection, "the connection was replaced");
        assertTrue(events.stream().anyMatch(e -> e instanceof SubscriptionEvent.Lost lost && lost.cause() == null),
                "no Lost event for the broker's basic.cancel: " + events);
    }

    @Test
    void aPoisonMessageIsDeadLetteredAfterTheRedeliveryLimitWhileOthersFlow() throws Exception {
        String poisoned = queue + "-poisoned";
        String dlq = queue + "-dlq";
        holder.channels().run(channel -> {
            channel.queueDeclare(dlq, true, false, false, null);
            channel.queueDeclare(poisoned, true, false, false, Map.of("x-dead-letter-exchange", "",
                    "x-dead-letter-routing-key", dlq));
        });
        try {
            Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
            holder.consumers().subscribe(poisoned, SubscriptionOptions.builder().redeliveryLimit(3).build(), message -> {
                String id = message.properties().getMessageId();
                seen.computeIfAbsent(id, i -> new AtomicInteger()).incrementAndGet();
                if (id.equals("poison")) {
                    throw new IllegalStateException("poison");
                }
            });
            holder.publisher().publish("", poisoned, properties("poison"), new byte[0]);
            for (int i = 0; i < 100; i++) {
                holder.publisher().publish("", poisoned, properties("ok" + i), new byte[0]);
            }
            Await.until("the poison message dead-lettered", WAIT, () -> messageCount(dlq) == 1);
            Await.until("the others handled", WAIT, () -> seen.size() == 101);
            assertEquals(4, seen.get("poison").get(), "handled once and requeued three times");
            GetResponse dead = holder.channels().call(channel -> channel.basicGet(dlq, true));
            assertEquals("poison", dead.getProps().getMessageId());
            assertEquals(0, messageCount(poisoned));
        } finally {
            holder.channels().run(channel -> channel.queueDelete(poisoned));
        }
    }

    @Test
    void shutdownWithHandlersInFlightAcksThemAndLeavesTheRestInTheQueue() throws Exception {
        publishIds(100);
        Set<String> handled = ConcurrentHashMap.newKeySet();
        CountDownLatch fourIn = new CountDownLatch(4);
        CountDownLatch release = new CountDownLatch(1);
        holder.consumers().subscribe(queue, SubscriptionOptions.builder().prefetch(20).concurrency(4).build(), message -> {
            fourIn.countDown();
            assertTrue(release.await(30, TimeUnit.SECONDS));
            handled.add(message.properties().getMessageId());
        });
        assertTrue(fourIn.await(30, TimeUnit.SECONDS));
        CompletableFuture<Void> closing = holder.close().toCompletableFuture();
        release.countDown();
        closing.get(60, TimeUnit.SECONDS);
        assertEquals(4, handled.size());
        PersistentConnection after = PersistentConnection.builder(ConnectionSettings.builder("it-consumers-after")
                .uri(node.uri()).build()).build();
        try {
            after.await(WAIT);
            Set<String> left = new HashSet<>();
            GetResponse response;
            while ((response = after.channels().call(channel -> channel.basicGet(queue, true))) != null) {
                left.add(response.getProps().getMessageId());
            }
            assertEquals(96, left.size(), "none lost");
            for (String id : handled) {
                assertTrue(!left.contains(id), id + " was handled before the shutdown and is in the queue again");
            }
        } finally {
            after.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void anAckOfTheOldConnectionIsDroppedAndCountedAndTheNewChannelSurvives() throws Exception {
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
        holder.consumers().subscribe(queue, message -> {
            String id = message.properties().getMessageId();
            if (handled.computeIfAbsent(id, i -> new AtomicInteger()).incrementAndGet() == 1 && id.equals("slow")) {
                inHandler.countDown();
                assertTrue(release.await(30, TimeUnit.SECONDS));
            }
        });
        holder.publisher().publish("", queue, properties("slow"), new byte[0]);
        assertTrue(inHandler.await(30, TimeUnit.SECONDS));
        node.closeAllConnections("ConsumersIT stale ack");
        Await.until("subscribed on the new connection", WAIT, () -> started() == 2);
        release.countDown();
        ManagedConsumers consumers = (ManagedConsumers) holder.consumers();
        Await.until("the stale ack dropped and counted", WAIT, () -> consumers.droppedAcks() == 1);
        Await.until("the message redelivered and handled again", WAIT, () -> handled.get("slow").get() == 2);
        holder.publisher().publish("", queue, properties("next"), new byte[0]);
        Await.until("the new channel still consumes", WAIT, () -> handled.containsKey("next"));
        assertEquals(2, started(), "the new channel was closed (406 unknown delivery tag?) and subscribed again");
        Await.until("the queue empty", WAIT, () -> messageCount(queue) == 0);
    }

    private long messageCount(String name) {
        try {
            return holder.channels().call(channel -> channel.queueDeclarePassive(name).getMessageCount());
        } catch (Exception e) {
            return -1;
        }
    }
}
