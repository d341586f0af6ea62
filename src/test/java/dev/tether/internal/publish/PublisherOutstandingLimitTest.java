package dev.tether.internal.publish;

import static dev.tether.internal.publish.PublisherTest.bytes;
import static dev.tether.internal.publish.PublisherTest.reason;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.ChannelSettings;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.PublishException;
import dev.tether.PublishException.Reason;
import dev.tether.Setting;
import dev.tether.testing.Await;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.QpidBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code publish.max-outstanding}: a publish at the bound waits for room, fails NOT_SENT, or fails at once on the publisher's thread. */
@ExtendWith(EmbeddedBroker.class)
class PublisherOutstandingLimitTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final FaultProxy proxy;
    private final String queue = "bound-" + UUID.randomUUID();
    private PersistentConnection holder;

    PublisherOutstandingLimitTest(QpidBroker broker) {
        this.proxy = FaultProxy.start(broker.port());
    }

    @AfterEach
    void close() throws Exception {
        proxy.blackHole(false);
        if (holder != null) {
            holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        proxy.close();
    }

    private ConfirmingPublisher publisher(int maxOutstanding, Duration confirmTimeout) throws Exception {
        holder = PersistentConnection.builder(ConnectionSettings.builder("bound").uri(proxy.uri())
                .channels(ChannelSettings.DEFAULT.withConfirmTimeout(confirmTimeout))
                .set(Setting.PUBLISH_MAX_OUTSTANDING, maxOutstanding).build()).build();
        holder.await(WAIT);
        holder.channels().run(channel -> channel.queueDeclare(queue, false, false, true, null));
        holder.publisher().publish("", queue, null, bytes("warm-up")); // the confirm channel opens before any fault
        return (ConfirmingPublisher) holder.publisher();
    }

    @Test
    void manyMorePublishesThanTheBoundAreEachConfirmedAndEveryRoomIsGivenBack() throws Exception {
        ConfirmingPublisher publisher = publisher(20, WAIT);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            all.add(publisher.publishAsync("", queue, null, bytes("m" + i)).toCompletableFuture());
            assertTrue(publisher.outstanding() <= 20, "outstanding " + publisher.outstanding());
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertEquals(2_001L, (long) holder.channels().call(channel -> channel.messageCount(queue)));
        assertEquals(0, publisher.outstanding(), "each settled publish gives its room back once");
    }

    @Test
    void aPublishAtTheBoundWaitsForRoomAndIsSentOnceAnOutstandingOneSettles() throws Exception {
        ConfirmingPublisher publisher = publisher(2, Duration.ofSeconds(30));
        proxy.blackHole(true);
        CompletionStage<Void> first = publisher.publishAsync("", queue, null, bytes("a"));
        CompletionStage<Void> second = publisher.publishAsync("", queue, null, bytes("b"));
        assertEquals(2, publisher.outstanding());
        CompletableFuture<Thread> caller = new CompletableFuture<>();
        CompletableFuture<CompletionStage<Void>> third = CompletableFuture.supplyAsync(() -> {
            caller.complete(Thread.currentThread());
            return publisher.publishAsync("", queue, null, bytes("c"));
        });
        Thread waiting = caller.get(10, TimeUnit.SECONDS);
        Await.until("the third publish to wait for room", WAIT, () -> waiting.getState() == Thread.State.TIMED_WAITING
                && !third.isDone());
        proxy.blackHole(false); // resets the connection: the two outstanding fail, their room is freed
        assertEquals(Reason.CONNECTION_LOST, reason(first));
        assertEquals(Reason.CONNECTION_LOST, reason(second));
        third.get(10, TimeUnit.SECONDS).toCompletableFuture().get(10, TimeUnit.SECONDS); // sent on the next connection, confirmed
        assertEquals(0, publisher.outstanding());
    }

    @Test
    void whenNoOutstandingPublishSettlesWithinTheConfirmTimeoutAPublishAtTheBoundIsNotSent() throws Exception {
        ConfirmingPublisher publisher = publisher(2, Duration.ofMillis(300));
        CountDownLatch completionRuns = new CountDownLatch(1);
        CountDownLatch slowCompletionEnds = new CountDownLatch(1);
        // The ack is held back until the slow completion is attached: attached to a stage already
        // confirmed, it would run on this thread and block it (seen on Java 25 in CI and under PIT).
        proxy.holdReplies(true);
        CompletionStage<Void> slow = publisher.publishAsync("", queue, null, bytes("slow")).whenComplete((ok, failure) -> {
            completionRuns.countDown(); // a slow completion holds the publisher's thread, and the timeouts queued behind it
            await(slowCompletionEnds);
        });
        proxy.holdReplies(false);
        assertTrue(completionRuns.await(10, TimeUnit.SECONDS));
        proxy.blackHole(true);
        CompletionStage<Void> first = publisher.publishAsync("", queue, null, bytes("a"));
        CompletionStage<Void> second = publisher.publishAsync("", queue, null, bytes("b"));
        long start = System.nanoTime();
        CompletionStage<Void> third = publisher.publishAsync("", queue, null, bytes("c"));
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // The bound was decided inside publishAsync; let the publisher's thread go before reading the outcome.
        slowCompletionEnds.countDown();
        PublishException notSent = failure(third);
        assertEquals(Reason.NOT_SENT, notSent.reason());
        assertTrue(waitedMs >= 290 && waitedMs < 5_000, "waited " + waitedMs + " ms");
        assertEquals("Connection 'bound': publish to the default exchange with routing key '" + queue + "' was not sent:"
                + " 2 publishes await their confirm (publish.max-outstanding) and none settled within 300ms"
                + " (publish.confirm-timeout)", notSent.getMessage());
        slow.toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(Reason.TIMED_OUT, reason(first));
        assertEquals(Reason.TIMED_OUT, reason(second));
        assertEquals(0, publisher.outstanding());
    }

    @Test
    void onThePublishersOwnThreadAPublishAtTheBoundFailsAtOnceInsteadOfWaitingForItself() throws Exception {
        ConfirmingPublisher publisher = publisher(1, Duration.ofSeconds(2));
        proxy.blackHole(true);
        CompletableFuture<List<Object>> inCompletion = new CompletableFuture<>();
        // its TIMED_OUT completes on the publisher's thread, 2 s from now: long after whenComplete is attached
        publisher.publishAsync("", queue, null, bytes("x")).whenComplete((ok, failure) -> {
            CompletionStage<Void> takesTheRoom = publisher.publishAsync("", queue, null, bytes("y"));
            long start = System.nanoTime();
            CompletionStage<Void> atTheBound = publisher.publishAsync("", queue, null, bytes("z"));
            inCompletion.complete(List.of(Thread.currentThread().getName(), takesTheRoom, atTheBound,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
        });
        List<Object> seen = inCompletion.get(60, TimeUnit.SECONDS);
        assertEquals("tether-bound-publish", seen.get(0));
        @SuppressWarnings("unchecked")
        CompletionStage<Void> atTheBound = (CompletionStage<Void>) seen.get(2);
        assertTrue(atTheBound.toCompletableFuture().isDone(), "failed when returned");
        assertTrue((long) seen.get(3) < 1_000, "returned after " + seen.get(3) + " ms"); // waiting: 2 s, then NOT_SENT
        PublishException notSent = failure(atTheBound);
        assertEquals(Reason.NOT_SENT, notSent.reason());
        assertTrue(notSent.getMessage().endsWith("was not sent: 1 publishes await their confirm (publish.max-outstanding),"
                + " and a publish from the publisher's own thread or the holder's thread does not wait for room"),
                notSent.getMessage());
        @SuppressWarnings("unchecked")
        CompletionStage<Void> takesTheRoom = (CompletionStage<Void>) seen.get(1);
        proxy.blackHole(false);
        Reason ended = reason(takesTheRoom);
        assertTrue(ended == Reason.TIMED_OUT || ended == Reason.CONNECTION_LOST, String.valueOf(ended));
        assertEquals(0, publisher.outstanding());
    }

    @Test
    void inATetherListenerAPublishAtTheBoundFailsAtOnceInsteadOfWaitingOnTheHoldersThread() throws Exception {
        AtomicReference<PersistentConnection> self = new AtomicReference<>();
        CompletableFuture<List<Object>> inListener = new CompletableFuture<>();
        holder = PersistentConnection.builder(ConnectionSettings.builder("bound").uri(proxy.uri()).eager(false)
                .channels(ChannelSettings.DEFAULT.withConfirmTimeout(Duration.ofSeconds(30)))
                .set(Setting.PUBLISH_MAX_OUTSTANDING, 1).build()).listener(event -> {
                    if (event instanceof ConnectionEvent.Connected && !inListener.isDone()) {
                        self.get().publisher().publish("", queue, null, bytes("x")); // opens the confirm channel
                        proxy.blackHole(true);
                        CompletionStage<Void> takesTheRoom = self.get().publisher().publishAsync("", queue, null, bytes("y"));
                        long start = System.nanoTime();
                        CompletionStage<Void> atTheBound = self.get().publisher().publishAsync("", queue, null, bytes("z"));
                        inListener.complete(List.of(takesTheRoom, atTheBound,
                                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
                    }
                }).build();
        self.set(holder);
        CompletableFuture.runAsync(() -> holder.current()); // starts the lazy holder; the black hole then holds it up
        List<Object> seen = inListener.get(10, TimeUnit.SECONDS);
        assertTrue((long) seen.get(2) < 2_000, "returned after " + seen.get(2) + " ms");
        @SuppressWarnings("unchecked")
        CompletionStage<Void> atTheBound = (CompletionStage<Void>) seen.get(1);
        PublishException notSent = failure(atTheBound);
        assertEquals(Reason.NOT_SENT, notSent.reason());
        assertTrue(notSent.getMessage().contains("(publish.max-outstanding)"), notSent.getMessage());
        @SuppressWarnings("unchecked")
        CompletionStage<Void> takesTheRoom = (CompletionStage<Void>) seen.get(0);
        proxy.blackHole(false);
        assertEquals(Reason.CONNECTION_LOST, reason(takesTheRoom));
        assertEquals(0, ((ConfirmingPublisher) holder.publisher()).outstanding());
    }

    @Test
    void aBlockingPublishInterruptedWhileWaitingForRoomThrowsInterruptedExceptionAndTakesNoRoom() throws Exception {
        ConfirmingPublisher publisher = publisher(1, Duration.ofSeconds(30));
        proxy.blackHole(true);
        CompletionStage<Void> takesTheRoom = publisher.publishAsync("", queue, null, bytes("a"));
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                publisher.publish("", queue, null, bytes("b"));
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        caller.start();
        Await.until("the publish to wait for room", WAIT, () -> caller.getState() == Thread.State.TIMED_WAITING);
        caller.interrupt();
        Throwable thrown = outcome.get(10, TimeUnit.SECONDS);
        assertTrue(thrown instanceof InterruptedException, String.valueOf(thrown));
        assertEquals(1, publisher.outstanding(), "only the first holds room");
        proxy.blackHole(false);
        assertEquals(Reason.CONNECTION_LOST, reason(takesTheRoom));
        assertEquals(0, publisher.outstanding());
    }

    private static PublishException failure(CompletionStage<Void> stage) throws Exception {
        try {
            stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
            throw new AssertionError("confirmed");
        } catch (ExecutionException e) {
            return (PublishException) e.getCause();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
