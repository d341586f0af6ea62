package dev.tether.internal.publish;

import static dev.tether.internal.publish.PublisherTest.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.ChannelSettings;
import dev.tether.CheckoutTimeoutException;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.PublishException;
import dev.tether.PublishException.Reason;
import dev.tether.internal.channels.PooledChannel;
import dev.tether.testing.Await;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.InMemoryMetrics;
import dev.tether.testing.QpidBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Timeouts of confirmed publishing: an asynchronous confirm timeout racing the ack, and the checkout of a confirm channel. */
@ExtendWith(EmbeddedBroker.class)
class PublisherTimeoutsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String SENT = "messaging.client.sent.messages";
    private static final String NAME = "tether.connection.name";

    private final QpidBroker broker;
    private final InMemoryMetrics metrics = new InMemoryMetrics();
    private final String queue = "timeouts-" + UUID.randomUUID();
    private PersistentConnection holder;

    PublisherTimeoutsTest(QpidBroker broker) {
        this.broker = broker;
    }

    @AfterEach
    void close() throws Exception {
        if (holder != null) {
            holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        metrics.close();
    }

    private ConfirmingPublisher publisher(ChannelSettings channels) throws Exception {
        holder = PersistentConnection.builder(ConnectionSettings.builder("timeouts").uri(broker.uri()).channels(channels)
                .build()).meter(metrics.openTelemetry().getMeter("dev.tether")).build();
        holder.await(WAIT);
        holder.channels().run(channel -> channel.queueDeclare(queue, false, false, true, null));
        return (ConfirmingPublisher) holder.publisher();
    }

    /**
     * A confirm timeout of 1 ms, about a confirm's round trip on loopback: acks and timers race. Each
     * publish still ends exactly once, confirmed or {@code TIMED_OUT} and nothing else; the metric
     * counts each once, with the outcome its caller saw; and every room and tracker entry is given back.
     */
    @Test
    void anAsynchronousConfirmTimeoutRacingTheAckGivesEachPublishOneOutcomeCountedOnce() throws Exception {
        ConfirmingPublisher publisher = publisher(ChannelSettings.DEFAULT.withConfirmTimeout(Duration.ofMillis(1)));
        int count = 2_000;
        AtomicInteger completions = new AtomicInteger();
        ConcurrentHashMap<Object, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add(publisher.publishAsync("", queue, null, bytes("m" + i)).whenComplete((ok, failure) -> {
                completions.incrementAndGet();
                Object outcome = failure == null ? "confirmed" : ((PublishException) failure).reason();
                outcomes.computeIfAbsent(outcome, key -> new AtomicInteger()).incrementAndGet();
            }).toCompletableFuture().handle((ok, failure) -> null));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertEquals(count, completions.get());
        assertTrue(outcomes.keySet().stream().allMatch(o -> o.equals("confirmed") || o == Reason.TIMED_OUT),
                String.valueOf(outcomes));
        int timedOut = outcomes.getOrDefault(Reason.TIMED_OUT, new AtomicInteger()).get();
        assertEquals(count, metrics.count(SENT, NAME, "timeouts"), "each publish counted once: " + outcomes);
        assertEquals(timedOut, metrics.count(SENT, NAME, "timeouts", "error.type", "timed_out"), String.valueOf(outcomes));
        assertEquals(0, publisher.outstanding(), "room given back once per publish");
        PooledChannel<ConfirmTracker> lent = publisher.pool().borrow();
        publisher.pool().giveBack(lent, true);
        assertEquals(0, lent.attachment().outstanding(), "a late ack or a timeout left an entry behind");
        long inQueue = holder.channels().call(channel -> channel.messageCount(queue));
        assertTrue(inQueue >= count - timedOut, inQueue + " in the queue, " + (count - timedOut) + " confirmed");
    }

    @Test
    void whenEveryConfirmChannelIsBorrowedAPublishIsNotSentAfterTheCheckoutTimeout() throws Exception {
        ConfirmingPublisher publisher = publisher(ChannelSettings.DEFAULT.withMax(1)
                .withCheckoutTimeout(Duration.ofMillis(200)));
        publisher.publish("", queue, null, bytes("opens the confirm channel"));
        PooledChannel<ConfirmTracker> occupied = publisher.pool().borrow();
        try {
            long start = System.nanoTime();
            PublishException blocking = org.junit.jupiter.api.Assertions.assertThrows(PublishException.class,
                    () -> publisher.publish("", queue, null, bytes("x")));
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(Reason.NOT_SENT, blocking.reason());
            assertTrue(blocking.getCause() instanceof CheckoutTimeoutException, String.valueOf(blocking.getCause()));
            assertTrue(waitedMs >= 190 && waitedMs < 5_000, "waited " + waitedMs + " ms");
            assertEquals("Connection 'timeouts': publish to the default exchange with routing key '" + queue + "' was not"
                    + " sent: Connection 'timeouts': no confirm channel free within 200ms (all 1 of the pool borrowed;"
                    + " channels.max)", blocking.getMessage());
            CompletableFuture<Void> async = publisher.publishAsync("", queue, null, bytes("y")).toCompletableFuture();
            assertTrue(async.isCompletedExceptionally(), "failed when returned");
            assertEquals(Reason.NOT_SENT, PublisherTest.reason(async));
            assertEquals(0, publisher.outstanding(), "a publish not sent holds no room");
            assertEquals(2, metrics.count("tether.publish.unsent", NAME, "timeouts"));
        } finally {
            publisher.pool().giveBack(occupied, true);
        }
        publisher.publish("", queue, null, bytes("after"));
        PooledChannel<ConfirmTracker> again = publisher.pool().borrow();
        publisher.pool().giveBack(again, true);
        assertSame(occupied.channel(), again.channel(), "the confirm channel was kept");
    }
}
