package dev.tether.internal.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.Backoff;
import dev.tether.ConnectionSettings;
import dev.tether.FailureKind;
import dev.tether.PersistentConnection;
import dev.tether.Subscription;
import dev.tether.SubscriptionEvent;
import dev.tether.SubscriptionOptions;
import dev.tether.internal.access.ConnectionAccess;
import dev.tether.internal.threads.ManualScheduler;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.QpidBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A subscription's own backoff, in virtual time, against the embedded broker. */
@ExtendWith(EmbeddedBroker.class)
class ResubscribeTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Backoff BACKOFF = Backoff.DEFAULT.withInitial(Duration.ofMillis(100))
            .withMax(Duration.ofSeconds(30)).withMultiplier(2).withJitter(0);

    private final QpidBroker broker;
    private final String queue = "resubscribe-" + UUID.randomUUID();
    private final List<SubscriptionEvent> events = new CopyOnWriteArrayList<>();
    private final ManualScheduler scheduler = new ManualScheduler();
    private PersistentConnection holder;
    private ManagedConsumers consumers;

    ResubscribeTest(QpidBroker broker) {
        this.broker = broker;
    }

    @BeforeEach
    void connect() throws Exception {
        ConnectionSettings settings = ConnectionSettings.builder("resubscribe").uri(broker.uri()).backoff(BACKOFF).build();
        holder = PersistentConnection.builder(settings).build();
        holder.await(WAIT);
        consumers = new ManagedConsumers((ConnectionAccess) holder, holder::settings, List.of(events::add),
                dev.tether.internal.metrics.Recorder.NONE, () -> scheduler, scheduler, RandomGenerator.getDefault());
    }

    @AfterEach
    void close() throws Exception {
        consumers.close();
        scheduler.runDue();
        holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aMissingQueueIsRetriedWithTheBackoffUntilItExistsThenConsumed() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        Subscription subscription = consumers.subscribe(queue, message -> handled.incrementAndGet());
        scheduler.runDue();
        for (int i = 0; i < 4; i++) {
            scheduler.advanceToNext();
        }
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400),
                Duration.ofMillis(800), Duration.ofMillis(1600)), scheduler.nonZeroDelays());
        assertEquals(Subscription.State.WAITING, subscription.state());
        List<SubscriptionEvent.Failed> failures = events.stream().filter(SubscriptionEvent.Failed.class::isInstance)
                .map(SubscriptionEvent.Failed.class::cast).toList();
        assertEquals(5, failures.size());
        assertTrue(failures.stream().allMatch(f -> f.kind() == FailureKind.QUEUE_NOT_FOUND), failures.toString());
        assertTrue(holder.current().isPresent(), "a missing queue must not cost the connection");
        holder.channels().run(channel -> channel.queueDeclare(queue, false, false, false, null));
        holder.publisher().publish("", queue, null, new byte[] {1});
        assertEquals(Duration.ofMillis(1600), scheduler.advanceToNext());
        assertEquals(Subscription.State.CONSUMING, subscription.state());
        SubscriptionEvent.Started started = (SubscriptionEvent.Started) events.get(events.size() - 1);
        assertEquals(6, started.attempt());
        dev.tether.testing.Await.until("the message handled", WAIT, () -> handled.get() == 1);
    }

    @Test
    void theArgumentsAreAskedAnewAtEverySubscribe() throws Exception {
        holder.channels().run(channel -> channel.queueDeclare(queue, false, false, false, null));
        AtomicInteger asked = new AtomicInteger();
        consumers.subscribe(queue, SubscriptionOptions.builder()
                .arguments(() -> Map.of("x-priority", asked.incrementAndGet())).build(), message -> { });
        scheduler.runDue();
        assertEquals(1, asked.get());
        var old = holder.get();
        holder.reconnect();
        dev.tether.testing.Await.until("a new connection", WAIT,
                () -> holder.current().isPresent() && holder.current().get() != old);
        consumers.onEvent(new dev.tether.ConnectionEvent.Connected("resubscribe", scheduler.instant(),
                holder.current().get(), new com.rabbitmq.client.Address("localhost"), 1, Duration.ZERO));
        scheduler.runDue();
        assertEquals(2, asked.get());
        assertEquals(2, events.stream().filter(SubscriptionEvent.Started.class::isInstance).count());
    }

    @Test
    void theProblemIsTheLatestFailedAttemptWhileWaitingAndIsClearedOnceConsuming() throws Exception {
        Subscription subscription = consumers.subscribe(queue, SubscriptionOptions.builder().requiredForReadiness(true)
                .build(), message -> { });
        assertTrue(subscription.problem().isEmpty(), "no problem before the first attempt ran");
        scheduler.runDue();
        scheduler.advanceToNext();
        SubscriptionEvent.Failed failed = (SubscriptionEvent.Failed) subscription.problem().orElseThrow();
        assertEquals(FailureKind.QUEUE_NOT_FOUND, failed.kind());
        assertEquals(2, failed.attempt(), "the latest attempt, not the first");
        assertTrue(subscription.options().requiredForReadiness());
        holder.channels().run(channel -> channel.queueDeclare(queue, false, false, false, null));
        scheduler.advanceToNext();
        assertEquals(Subscription.State.CONSUMING, subscription.state());
        assertTrue(subscription.problem().isEmpty(), "still a problem while consuming: " + subscription.problem());
        assertEquals(List.of(subscription), consumers.subscriptions());
    }

    @Test
    void aLostChannelIsTheProblemUntilTheSubscriptionConsumesAgain() throws Exception {
        holder.channels().run(channel -> channel.queueDeclare(queue, false, false, false, null));
        ManagedSubscription subscription = (ManagedSubscription) consumers.subscribe(queue, message -> { });
        scheduler.runDue();
        assertEquals(Subscription.State.CONSUMING, subscription.state());
        subscription.channel().close(); // not through the subscription: a channel-only loss
        scheduler.awaitAndRunDue(WAIT);
        assertEquals(Subscription.State.WAITING, subscription.state());
        SubscriptionEvent.Lost lost = (SubscriptionEvent.Lost) subscription.problem().orElseThrow();
        assertTrue(lost.cause() instanceof com.rabbitmq.client.ShutdownSignalException, String.valueOf(lost.cause()));
        assertEquals(Duration.ofMillis(100), scheduler.advanceToNext(), "retried after backoff.initial");
        assertEquals(Subscription.State.CONSUMING, subscription.state());
        assertTrue(subscription.problem().isEmpty());
    }
}
