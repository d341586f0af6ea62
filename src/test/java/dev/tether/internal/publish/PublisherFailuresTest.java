package dev.tether.internal.publish;

import static dev.tether.internal.publish.PublisherTest.bytes;
import static dev.tether.internal.publish.PublisherTest.reason;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.ChannelSettings;
import dev.tether.ConnectionClosedException;
import dev.tether.ConnectionSettings;
import dev.tether.ConnectionState;
import dev.tether.NotConnectedException;
import dev.tether.PersistentConnection;
import dev.tether.PublishException;
import dev.tether.PublishException.Reason;
import dev.tether.testing.Await;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.InMemoryMetrics;
import dev.tether.testing.QpidBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every publish ends: not sent while disconnected, timed out, lost with its connection, or the holder closed. */
@ExtendWith(EmbeddedBroker.class)
class PublisherFailuresTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static final String NAME = "tether.connection.name";

    private final FaultProxy proxy;
    private final InMemoryMetrics metrics = new InMemoryMetrics();
    private PersistentConnection holder;

    PublisherFailuresTest(QpidBroker broker) {
        this.proxy = FaultProxy.start(broker.port());
    }

    @AfterEach
    void close() throws Exception {
        if (holder != null) {
            assertEquals(0, ((ConfirmingPublisher) holder.publisher()).pool().lent(), "a confirm channel not given back");
        }
        proxy.blackHole(false); // resets black-holed connections, which would hold up closing
        if (holder != null) {
            holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        proxy.close();
        metrics.close();
    }

    private PersistentConnection holder(Duration awaitTimeout, Duration confirmTimeout) throws Exception {
        holder = PersistentConnection.builder(ConnectionSettings.builder("failing").uri(proxy.uri())
                .awaitTimeout(awaitTimeout).channels(ChannelSettings.DEFAULT.withConfirmTimeout(confirmTimeout))
                .build()).meter(metrics.openTelemetry().getMeter("dev.tether")).build();
        holder.await(WAIT);
        holder.publisher().publish("", "warm-up", null, bytes("x")); // opens the confirm channel before any fault
        return holder;
    }

    @Test
    void whileDisconnectedAPublishIsNotSentAfterTheAwaitTimeout() throws Exception {
        holder(Duration.ofMillis(200), WAIT);
        proxy.refuse(true);
        proxy.cut();
        Await.until("the loss to be noticed", WAIT, () -> holder.state() != ConnectionState.CONNECTED);
        PublishException blocking = assertThrows(PublishException.class,
                () -> holder.publisher().publish("", "q", null, bytes("x")));
        assertEquals(Reason.NOT_SENT, blocking.reason());
        assertTrue(blocking.getCause() instanceof NotConnectedException, String.valueOf(blocking.getCause()));
        assertTrue(blocking.getMessage().startsWith("Connection 'failing': publish to the default exchange with"
                + " routing key 'q' was not sent: Connection 'failing' is not connected (waited 200ms)"),
                blocking.getMessage());
        assertEquals(Reason.NOT_SENT, reason(holder.publisher().publishAsync("", "q", null, bytes("x"))));
    }

    @Test
    void aPublishNeverConfirmedTimesOutAfterTheConfirmTimeout() throws Exception {
        holder(WAIT, Duration.ofMillis(300));
        proxy.blackHole(true);
        long start = System.nanoTime();
        PublishException timedOut = assertThrows(PublishException.class,
                () -> holder.publisher().publish("", "q", null, bytes("x")));
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(Reason.TIMED_OUT, timedOut.reason());
        assertTrue(waitedMs >= 290 && waitedMs < 5_000, "waited " + waitedMs + " ms");
        assertEquals("Connection 'failing': publish to the default exchange with routing key 'q' was not confirmed"
                + " within 300ms (publish.confirm-timeout)", timedOut.getMessage());
        assertEquals(Reason.TIMED_OUT, reason(holder.publisher().publishAsync("", "q", null, bytes("x"))));
    }

    @Test
    void outstandingPublishesFailAsConnectionLostWhenTheConnectionDies() throws Exception {
        holder(WAIT, Duration.ofMinutes(1));
        proxy.blackHole(true);
        List<CompletionStage<Void>> outstanding = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            outstanding.add(holder.publisher().publishAsync("", "q", null, bytes("m" + i)));
        }
        proxy.cut();
        for (CompletionStage<Void> publish : outstanding) {
            assertEquals(Reason.CONNECTION_LOST, reason(publish));
        }
        proxy.blackHole(false);
        holder.await(WAIT);
        holder.publisher().publish("", "q", null, bytes("after")); // unroutable, not mandatory: confirmed
    }

    @Test
    void closingTheHolderFailsOutstandingPublishesAndLaterOnesAreNotSent() throws Exception {
        holder(WAIT, Duration.ofMinutes(1));
        proxy.blackHole(true);
        CompletionStage<Void> outstanding = holder.publisher().publishAsync("", "q", null, bytes("x"));
        CompletableFuture<Void> closed = holder.close().toCompletableFuture();
        proxy.cut(); // the broker would answer the close; through the black hole the client waits for its timeout
        assertEquals(Reason.CLOSED, reason(outstanding), "the holder's close decides, not the cut (that alone is CONNECTION_LOST)");
        closed.get(30, TimeUnit.SECONDS);
        PublishException after = assertThrows(PublishException.class,
                () -> holder.publisher().publish("", "q", null, bytes("x")));
        assertEquals(Reason.NOT_SENT, after.reason());
        assertTrue(after.getCause() instanceof ConnectionClosedException, String.valueOf(after.getCause()));
    }

    @Test
    void anInterruptedBlockingPublishThrowsInterruptedExceptionAndItsOutcomeIsStillCountedOnce() throws Exception {
        holder(WAIT, Duration.ofMinutes(1));
        proxy.blackHole(true);
        Throwable interrupted = interruptABlockingPublish();
        assertTrue(interrupted instanceof InterruptedException, String.valueOf(interrupted));
        assertEquals(1, sent(), "the warm-up only: the interrupted publish has no outcome yet");

        proxy.cut(); // its connection goes: the publish it sent fails, with nobody waiting
        Await.until("the interrupted publish's outcome", WAIT,
                () -> metrics.count("messaging.client.sent.messages", NAME, "failing", "error.type", "connection_lost") == 1);
        holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(2, sent(), "one outcome per sent message: the warm-up and the interrupted publish");
    }

    @Test
    void anInterruptedBlockingPublishNeverConfirmedIsCountedAsTimedOutOnce() throws Exception {
        holder(WAIT, Duration.ofSeconds(2));
        proxy.blackHole(true);
        Throwable interrupted = interruptABlockingPublish();
        assertTrue(interrupted instanceof InterruptedException, String.valueOf(interrupted));
        Await.until("the interrupted publish's timeout", WAIT,
                () -> metrics.count("messaging.client.sent.messages", NAME, "failing", "error.type", "timed_out") == 1);
        proxy.blackHole(false); // resets the connection: a publish still tracked would fail (and be counted) again
        Await.until("the reconnect", WAIT, () -> metrics.count("tether.connection.connects", NAME, "failing") == 2);
        holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(2, sent(), "the warm-up and the interrupted publish");
    }

    @Test
    void aBlockingPublishThatTimesOutIsCountedOnceAndItsConfirmIsNoLongerTracked() throws Exception {
        holder(WAIT, Duration.ofMillis(200));
        proxy.blackHole(true);
        assertEquals(Reason.TIMED_OUT, assertThrows(PublishException.class,
                () -> holder.publisher().publish("", "q", null, bytes("x"))).reason());
        proxy.blackHole(false); // resets the connection: a publish still tracked would fail (and be counted) again
        Await.until("the reconnect", WAIT, () -> metrics.count("tether.connection.connects", NAME, "failing") == 2);
        holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(1, metrics.count("messaging.client.sent.messages", NAME, "failing", "error.type", "timed_out"));
        assertEquals(2, sent(), "the warm-up and the timed-out publish");
    }

    /**
     * The confirm comes just as the blocking wait times out, before the publish is given up: the
     * confirm stands. The race is made deterministic by a confirm whose timed wait acks it and then
     * reports the timeout.
     */
    @Test
    void aConfirmThatComesAsTheBlockingWaitTimesOutStands() throws Exception {
        ConfirmTracker tracker = new ConfirmTracker("late");
        CompletableFuture<Void> ackedAtTheTimeout = new CompletableFuture<>() {
            @Override
            public Void get(long timeout, TimeUnit unit) throws TimeoutException {
                complete(null); // the ack, on the client's thread, between the timeout and the caller's decision
                throw new TimeoutException();
            }
        };
        ConfirmingPublisher.Sent late = new ConfirmingPublisher.Sent(ackedAtTheTimeout, tracker, 1, System.nanoTime());
        assertNull(ConfirmingPublisher.awaitOutcome(late, 1, () -> timedOut("late")), "confirmed, not TIMED_OUT");

        CompletableFuture<Void> never = tracker.track(2, "", "q");
        ConfirmingPublisher.Sent unconfirmed = new ConfirmingPublisher.Sent(never, tracker, 2, System.nanoTime());
        PublishException timedOut = (PublishException) ConfirmingPublisher.awaitOutcome(unconfirmed,
                TimeUnit.MILLISECONDS.toNanos(1), () -> timedOut("unconfirmed"));
        assertEquals("unconfirmed", timedOut.getMessage());
        assertEquals(0, tracker.outstanding(), "a timed-out publish is no longer tracked");
        tracker.handleAck(2, false); // the ack comes after all: it changes nothing
        assertEquals(Reason.TIMED_OUT, reason(never));
    }

    /** @return what a blocking publish on its own thread threw when interrupted while it waited for its confirm */
    private Throwable interruptABlockingPublish() throws Exception {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread publisher = new Thread(() -> {
            try {
                holder.publisher().publish("", "q", null, bytes("x"));
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        publisher.start();
        Await.until("the publish to wait for its confirm", WAIT,
                () -> publisher.getState() == Thread.State.TIMED_WAITING);
        publisher.interrupt();
        return outcome.get(10, TimeUnit.SECONDS);
    }

    private long sent() {
        return metrics.count("messaging.client.sent.messages", NAME, "failing");
    }

    private static PublishException timedOut(String message) {
        return new PublishException(Reason.TIMED_OUT, "late", message, null);
    }
}
