package dev.tether.internal.holder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.ConnectionEvent;
import dev.tether.ConnectionSettings;
import dev.tether.ConnectionState;
import dev.tether.NotConnectedException;
import dev.tether.internal.connect.Sources;
import dev.tether.internal.threads.ManualScheduler;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.FixedRandom;
import dev.tether.testing.QpidBroker;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A lazy holder ({@code eager=false}) makes no attempt until first use, and each kind of use starts it. */
@ExtendWith(EmbeddedBroker.class)
class HolderLazyStartTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final Recorder events = new Recorder();

    @Test
    void getStartsALazyHolderAndStillThrowsUntilConnected(QpidBroker broker) throws Exception {
        ConnectionHolder holder = lazy(broker);

        assertThrows(NotConnectedException.class, holder::get);

        assertEquals(1, scheduler.queued(), "the first attempt is queued");
        scheduler.runDue();
        assertTrue(holder.get().isOpen());
        close(holder);
    }

    @Test
    void aLazyHolderIsIdleUntilFirstUseThenConnectingAndItsStatusSaysSinceWhen(QpidBroker broker) {
        ConnectionHolder holder = lazy(broker);
        assertEquals(ConnectionState.IDLE, holder.state(), "no attempt yet: must not make readiness DOWN");
        scheduler.advance(java.time.Duration.ofSeconds(5));

        holder.current(); // a first use
        assertEquals(ConnectionState.CONNECTING, holder.state());
        assertEquals(scheduler.instant(), holder.status().since(), "connecting since the first use");
        scheduler.runDue();
        assertEquals(ConnectionState.CONNECTED, holder.state());
        close(holder);
        assertEquals(ConnectionState.CLOSED, holder.state());
    }

    @Test
    void anEagerHolderIsConnectingFromTheStartAndAClosedLazyOneStaysClosed(QpidBroker broker) {
        ConnectionHolder eager = Holders.manual(HolderAccessTest.settings(broker.uri()), scheduler,
                new FixedRandom(0.5), null, events);
        assertEquals(ConnectionState.CONNECTING, eager.state());
        close(eager);

        ConnectionHolder lazy = lazy(broker);
        lazy.close();
        lazy.start();
        assertEquals(ConnectionState.CLOSED, lazy.state(), "closing wins over a later start");
        scheduler.runDue();
    }

    @Test
    void createStartsAnEagerHolderAtOnceAndLeavesALazyOneIdle(QpidBroker broker) throws Exception {
        Recorder eagerEvents = new Recorder();
        ConnectionHolder eager = ConnectionHolder.create(HolderAccessTest.settings(broker.uri()), new Sources(null, null, null),
                List.of(eagerEvents), Instrumentation.NONE);
        eagerEvents.await(ConnectionEvent.Connected.class, 1, java.time.Duration.ofSeconds(10));
        ConnectionHolder lazy = ConnectionHolder.create(
                HolderAccessTest.settings(broker.uri()).toBuilder().eager(false).build(), new Sources(null, null, null), List.of(events),
                Instrumentation.NONE);
        assertEquals(ConnectionState.IDLE, lazy.state());
        assertTrue(events.names().isEmpty(), events.names().toString());
        eager.close().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        lazy.close().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void reconnectStartsALazyHolderWithoutADisconnect(QpidBroker broker) throws Exception {
        ConnectionHolder holder = lazy(broker);

        holder.reconnect();
        assertEquals(ConnectionState.CONNECTING, holder.state());
        scheduler.runDue();

        assertEquals(List.of("Connecting", "Connected"), events.names());
        assertEquals(ConnectionState.CONNECTED, holder.state());
        close(holder);
    }

    @Test
    void startingTwiceMakesOneAttemptAndAClosedHolderNeverStarts(QpidBroker broker) {
        ConnectionHolder holder = lazy(broker);
        holder.start();
        holder.start();
        assertEquals(1, scheduler.queued());
        close(holder);

        ConnectionHolder closed = lazy(broker);
        closed.close();
        scheduler.runDue();
        closed.start();
        closed.reconnect();
        assertThrows(NotConnectedException.class, closed::get);
        assertEquals(0, scheduler.queued());
        assertFalse(events.names().contains("Connecting"), events.names().toString());
    }

    private ConnectionHolder lazy(QpidBroker broker) {
        ConnectionSettings settings = HolderAccessTest.settings(broker.uri()).toBuilder().eager(false).build();
        ConnectionHolder holder = Holders.manual(settings, scheduler, new FixedRandom(0.5), null, events);
        assertEquals(0, scheduler.queued(), "nothing happens before first use");
        return holder;
    }

    private void close(ConnectionHolder holder) {
        holder.close();
        scheduler.runDue();
    }
}
