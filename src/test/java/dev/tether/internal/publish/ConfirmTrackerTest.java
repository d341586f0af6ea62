package dev.tether.internal.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.AMQImpl;
import dev.tether.PublishException;
import dev.tether.PublishException.Reason;
import dev.tether.Publisher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Settling publishes by sequence number, without a broker: acks, multiple acks, nacks, returns, shutdowns. */
class ConfirmTrackerTest {

    private final ConfirmTracker tracker = new ConfirmTracker("orders");
    private final List<CompletableFuture<Void>> publishes = new ArrayList<>();

    private void track(int count) {
        for (int i = 0; i < count; i++) {
            long seq = publishes.size() + 1;
            publishes.add(tracker.track(seq, "ex", "rk"));
            tracker.sent(seq);
        }
    }

    private CompletableFuture<Void> publish(int seq) {
        return publishes.get(seq - 1);
    }

    @Test
    void anAckSettlesItsPublishAndAMultipleAckEveryOneUpToItsTag() {
        track(5);
        tracker.handleAck(2, true);
        assertTrue(publish(1).isDone() && publish(2).isDone());
        assertFalse(publish(3).isDone());
        tracker.handleAck(4, false);
        assertTrue(publish(4).isDone());
        assertFalse(publish(3).isDone());
        tracker.handleNack(5, true);
        assertEquals(Reason.NACKED, reason(publish(3)));
        assertEquals(Reason.NACKED, reason(publish(5)));
        assertEquals("Connection 'orders': publish to exchange 'ex' with routing key 'rk' was nacked by the broker",
                failure(publish(5)).getMessage());
        for (int seq = 1; seq <= 4; seq += seq == 2 ? 2 : 1) {
            assertFalse(publish(seq).isCompletedExceptionally(), "publish " + seq);
        }
        assertEquals(0, tracker.outstanding());
    }

    @Test
    void aReturnedMandatoryPublishFailsAsReturnedWhenItsAckFollows() {
        track(3);
        tracker.handleReturn(312, "NO_ROUTE", "ex", "rk", withSeq(2), new byte[0]);
        assertFalse(publish(2).isDone(), "the return alone settles nothing");
        tracker.handleAck(3, true);
        assertFalse(publish(1).isCompletedExceptionally());
        assertFalse(publish(3).isCompletedExceptionally());
        assertEquals(Reason.RETURNED, reason(publish(2)));
        assertEquals("Connection 'orders': publish to exchange 'ex' with routing key 'rk' was returned as unroutable"
                + " (312 NO_ROUTE)", failure(publish(2)).getMessage());
    }

    @Test
    void aReturnWithoutTheSequenceHeaderOrOfAnUntrackedPublishIsIgnored() {
        track(1);
        tracker.handleReturn(312, "NO_ROUTE", "ex", "rk", new AMQP.BasicProperties(), new byte[0]);
        tracker.handleReturn(312, "NO_ROUTE", "ex", "rk", withSeq(7), new byte[0]);
        tracker.handleAck(1, false);
        assertFalse(publish(1).isCompletedExceptionally());
    }

    @Test
    void aLostConnectionFailsEveryOutstandingPublishAndEveryOneTrackedLater() {
        track(2);
        tracker.handleAck(1, false);
        tracker.shutdownCompleted(new ShutdownSignalException(true, false,
                new AMQImpl.Connection.Close(320, "CONNECTION_FORCED - broker forced connection closure", 0, 0), null));
        assertEquals(Reason.CONNECTION_LOST, reason(publish(2)));
        assertFalse(publish(1).isCompletedExceptionally());
        track(1);
        assertEquals(Reason.CONNECTION_LOST, reason(publish(3)));
        assertEquals(0, tracker.outstanding());
    }

    @Test
    void aChannelErrorFailsOutstandingPublishesAsChannelClosedWithTheReply() {
        track(1);
        tracker.shutdownCompleted(new ShutdownSignalException(false, false,
                new AMQImpl.Channel.Close(404, "NOT_FOUND - no exchange 'ex' in vhost '/'", 60, 40), null));
        assertEquals(Reason.CHANNEL_CLOSED, reason(publish(1)));
        assertEquals("Connection 'orders': publish to exchange 'ex' with routing key 'rk' lost its channel before the"
                + " confirm: the broker closed it (404 NOT_FOUND - no exchange 'ex' in vhost '/')",
                failure(publish(1)).getMessage());
    }

    @Test
    void aPublishStillBeingSentWhenItsChannelShutsDownIsLeftToItsSenderAndFailsAsNotSent() {
        CompletableFuture<Void> sending = tracker.track(1, "ex", "rk");
        tracker.shutdownCompleted(new ShutdownSignalException(true, false,
                new AMQImpl.Connection.Close(320, "CONNECTION_FORCED", 0, 0), null));
        assertFalse(sending.isDone(), "the sender knows whether it went out");
        tracker.notSent(1, new IllegalStateException("channel is already closed"));
        assertEquals(Reason.NOT_SENT, reason(sending));
        assertEquals(0, tracker.outstanding());
    }

    @Test
    void tethersOwnCloseFailsOutstandingPublishesAsClosedNotAsLost() {
        track(2);
        tracker.shutdownCompleted(new ShutdownSignalException(true, true,
                new AMQImpl.Connection.Close(200, "OK", 0, 0), null));
        assertEquals(Reason.CLOSED, reason(publish(1)));
        assertEquals("Connection 'orders': publish to exchange 'ex' with routing key 'rk' lost its channel before the"
                + " confirm: the connection was closed by Tether or the application", failure(publish(2)).getMessage());
    }

    @Test
    void aReturnedPublishWhoseChannelThenClosesFailsAsReturnedWithTheReplyAsFields() {
        track(2);
        tracker.handleReturn(312, "NO_ROUTE", "ex", "rk", withSeq(2), new byte[0]);
        tracker.shutdownCompleted(new ShutdownSignalException(true, false,
                new AMQImpl.Connection.Close(320, "CONNECTION_FORCED", 0, 0), null));
        assertEquals(Reason.CONNECTION_LOST, reason(publish(1)));
        PublishException returned = failure(publish(2));
        assertEquals(Reason.RETURNED, returned.reason());
        assertEquals(312, returned.replyCode());
        assertEquals("NO_ROUTE", returned.replyText());
        assertEquals("ex", returned.exchange());
        assertEquals("rk", returned.routingKey());
        assertEquals(0, failure(publish(1)).replyCode());
        assertNull(failure(publish(1)).replyText());
    }

    private static AMQP.BasicProperties withSeq(long seq) {
        return new AMQP.BasicProperties.Builder().headers(Map.of(Publisher.SEQUENCE_HEADER, seq)).build();
    }

    private static Reason reason(CompletableFuture<Void> publish) {
        return failure(publish).reason();
    }

    private static PublishException failure(CompletableFuture<Void> publish) {
        assertTrue(publish.isCompletedExceptionally(), "failed");
        try {
            publish.join();
            throw new AssertionError("not failed");
        } catch (CompletionException e) {
            return (PublishException) e.getCause();
        }
    }
}
