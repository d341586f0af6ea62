package dev.tether.internal.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.AMQImpl;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.QpidBroker;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every way a publish leaves its tracker gives its room back exactly once, and a retired tracker
 * closes its channel (on the background executor, once) when the last outstanding publish leaves it,
 * whichever way that is.
 */
@ExtendWith(EmbeddedBroker.class)
class ConfirmTrackerSettlingTest {

    private final QpidBroker broker;
    private final AtomicInteger settled = new AtomicInteger();
    private final AtomicInteger closes = new AtomicInteger();
    private final Executor background = task -> {
        closes.incrementAndGet();
        task.run();
    };
    private final ConfirmTracker tracker = new ConfirmTracker("orders", () -> false, settled::incrementAndGet);
    private Connection connection;
    private Channel channel;

    ConfirmTrackerSettlingTest(QpidBroker broker) {
        this.broker = broker;
    }

    @BeforeEach
    void open() throws Exception {
        connection = broker.newConnection("tracker-test");
        channel = connection.createChannel();
    }

    @AfterEach
    void close() throws Exception {
        connection.close();
    }

    /** The ways a publish leaves the tracker. */
    enum Way {
        ACK, MULTIPLE_ACK, NACK, FORGET, NOT_SENT, CHANNEL_SHUTDOWN, SENT_AFTER_SHUTDOWN
    }

    private static ShutdownSignalException lost() {
        return new ShutdownSignalException(true, false, new AMQImpl.Connection.Close(320, "CONNECTION_FORCED", 0, 0), null);
    }

    private void leave(long seq, Way way, CompletableFuture<Void> publish) {
        switch (way) {
            case ACK -> tracker.handleAck(seq, false);
            case MULTIPLE_ACK -> tracker.handleAck(seq, true);
            case NACK -> tracker.handleNack(seq, false);
            case FORGET -> { // a timeout: the publisher fails the publish, then stops tracking it
                publish.completeExceptionally(new java.util.concurrent.TimeoutException());
                tracker.forget(seq);
            }
            case NOT_SENT -> tracker.notSent(seq, new IllegalStateException("refused"));
            case CHANNEL_SHUTDOWN -> tracker.shutdownCompleted(lost());
            case SENT_AFTER_SHUTDOWN -> {
                tracker.shutdownCompleted(lost()); // skips the publish still being sent
                tracker.sent(seq); // which its sender then reports: it fails as lost now
            }
            default -> throw new IllegalArgumentException(String.valueOf(way));
        }
    }

    @ParameterizedTest
    @EnumSource(Way.class)
    void aRetiredTrackerClosesItsChannelOnceItsLastPublishLeavesIt(Way way) {
        CompletableFuture<Void> publish = tracker.track(1, "ex", "rk");
        if (way != Way.SENT_AFTER_SHUTDOWN) {
            tracker.sent(1);
        }
        tracker.retire(channel, background);
        assertEquals(0, closes.get(), "a publish is outstanding on it");
        assertTrue(channel.isOpen());
        assertEquals(1, tracker.outstanding());
        leave(1, way, publish);
        assertTrue(publish.isDone(), way + " settles the publish");
        assertEquals(1, settled.get(), way + " gives the room back once");
        assertEquals(1, closes.get(), way + " closes the retired channel");
        assertFalse(channel.isOpen());
        assertEquals(0, tracker.outstanding());
        tracker.handleAck(1, true); // a late confirm finds nothing
        assertEquals(1, settled.get());
        assertEquals(1, closes.get(), "closed once");
    }

    @Test
    void aRetiredTrackerWithNothingOutstandingClosesItsChannelAtOnce() {
        tracker.retire(channel, background);
        assertEquals(1, closes.get());
        assertFalse(channel.isOpen());
    }

    @Test
    void aTrackerNotRetiredKeepsItsChannelAndEachPublishGivesItsRoomBackOnce() {
        for (long seq = 1; seq <= 6; seq++) {
            tracker.track(seq, "ex", "rk");
            tracker.sent(seq);
        }
        tracker.handleAck(2, true);
        tracker.handleAck(2, true); // again: nothing more
        tracker.forget(3);
        tracker.forget(3);
        tracker.forget(42); // never tracked
        tracker.notSent(4, new IllegalStateException("refused"));
        tracker.handleNack(6, true);
        assertEquals(6, settled.get());
        assertEquals(0, tracker.outstanding());
        assertEquals(0, closes.get());
        assertTrue(channel.isOpen());
    }
}
