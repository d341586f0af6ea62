package dev.tether.internal.holder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.ConnectionEvent;
import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.ConnectionEvent.Connected;
import dev.tether.ConnectionEvent.Connecting;
import dev.tether.ConnectionSettings;
import dev.tether.ConnectionState;
import dev.tether.FailureKind;
import dev.tether.internal.threads.ManualScheduler;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.FixedRandom;
import dev.tether.testing.QpidBroker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A task on the holder's thread that throws (here: a listener throwing an {@link OutOfMemoryError},
 * the one throwable the event dispatcher lets through) never ends the holder: the failure becomes a
 * failed attempt and the next attempt is scheduled.
 */
@ExtendWith(EmbeddedBroker.class)
class ReconnectorSurvivalTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final Recorder events = new Recorder();

    @Test
    void anAttemptThatThrowsIsReportedAsAnUnknownFailureAndRetriedAfterTheBackoff(QpidBroker broker)
            throws Exception {
        OutOfMemoryError boom = new OutOfMemoryError("listener ran out of memory");
        ConnectionHolder holder = holder(broker, throwOn(Connecting.class, 1, boom));
        holder.start();
        scheduler.runDue();

        ConnectFailed failed = events.last(ConnectFailed.class);
        assertSame(boom, failed.cause());
        assertEquals(FailureKind.UNKNOWN, failed.kind());
        assertNull(failed.address(), "no address was tried");
        assertEquals(1, failed.attempt());
        assertEquals(Duration.ofMillis(100), failed.nextDelay(), "the normal backoff after one failure");
        assertEquals(Duration.ofMillis(100), scheduler.nextDelay(), "the next attempt is scheduled");
        assertEquals(1, scheduler.queued());
        assertEquals(ConnectionState.CONNECTING, holder.state());
        assertEquals(1, holder.status().attempts());
        assertSame(failed, holder.status().lastFailure());

        scheduler.advanceToNext();

        assertEquals(ConnectionState.CONNECTED, holder.state());
        assertEquals(2, events.last(Connected.class).attempt(), "the failed attempt counts");
        assertTrue(holder.get().isOpen());
        closeAndRun(holder);
    }

    @Test
    void whenReportingTheFailureThrowsTooTheNextAttemptWaitsTheMaximumDelay(QpidBroker broker) throws Exception {
        OutOfMemoryError boom = new OutOfMemoryError("first");
        OutOfMemoryError again = new OutOfMemoryError("second");
        ConnectionHolder holder = holder(broker, throwOn(Connecting.class, 1, boom), throwOn(ConnectFailed.class, 1, again));
        holder.start();
        scheduler.runDue();

        assertEquals(1, events.all(ConnectFailed.class).size(), "the failure was fired, and its listener threw");
        assertEquals(1, scheduler.queued(), "exactly one attempt to come");
        assertEquals(ConnectionSettings.builder().build().backoff().max(), scheduler.nextDelay());

        scheduler.advanceToNext();

        assertEquals(ConnectionState.CONNECTED, holder.state());
        assertTrue(holder.get().isOpen());
        closeAndRun(holder);
    }

    @Test
    void aThrowingClosedListenerStillFinishesTheClose(QpidBroker broker) throws Exception {
        ConnectionHolder holder = holder(broker, throwOn(ConnectionEvent.Closed.class, 1, new OutOfMemoryError("x")));
        holder.start();
        scheduler.runDue();
        assertEquals(ConnectionState.CONNECTED, holder.state());

        holder.close();
        scheduler.runDue();

        assertTrue(holder.closeFinished().toCompletableFuture().isDone());
        assertTrue(scheduler.isShutdown());
        assertEquals(0, scheduler.queued(), "no attempt after close");
        assertEquals(List.of("Connecting", "Connected", "Disconnected", "Closed"), events.names());
        assertEquals(ConnectionState.CLOSED, holder.state());
    }

    private ConnectionHolder holder(QpidBroker broker, dev.tether.ConnectionListener... more) {
        dev.tether.ConnectionListener[] listeners = new dev.tether.ConnectionListener[more.length + 1];
        listeners[0] = events;
        System.arraycopy(more, 0, listeners, 1, more.length);
        return Holders.manual(HolderAccessTest.settings(broker.uri()), scheduler, new FixedRandom(0.5), null,
                listeners);
    }

    /** A listener that throws {@code error} on the first {@code times} events of {@code type}. */
    private static dev.tether.ConnectionListener throwOn(Class<? extends ConnectionEvent> type, int times,
            Error error) {
        AtomicInteger seen = new AtomicInteger();
        return event -> {
            if (type.isInstance(event) && seen.incrementAndGet() <= times) {
                throw error;
            }
        };
    }

    private void closeAndRun(ConnectionHolder holder) {
        holder.close();
        scheduler.runDue();
    }
}
