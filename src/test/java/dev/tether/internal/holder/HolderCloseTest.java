package dev.tether.internal.holder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Connection;
import dev.tether.ConnectionClosedException;
import dev.tether.ConnectionEvent.Closed;
import dev.tether.ConnectionEvent.Connecting;
import dev.tether.ConnectionSettings;
import dev.tether.ConnectionState;
import dev.tether.internal.threads.ManualScheduler;
import dev.tether.testing.Await;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.FixedRandom;
import dev.tether.testing.QpidBroker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedBroker.class)
class HolderCloseTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final Recorder events = new Recorder();

    @Test
    void closeFailsPendingWaitersAtOnceAndLaterOnesImmediately() throws Exception {
        ConnectionHolder holder = Holders.manual(ConnectionSettings.builder().build(), scheduler, new FixedRandom(0.5),
                null, events);
        holder.start();
        CompletableFuture<Connection> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return holder.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        CompletableFuture<Connection> stage = holder.connected().toCompletableFuture();
        Await.until("the blocked caller to register", Duration.ofSeconds(5), () -> holder.waiterCount() == 2);

        holder.close();

        ExecutionException failure = assertThrows(ExecutionException.class, () -> blocked.get(5, TimeUnit.SECONDS));
        assertInstanceOf(ConnectionClosedException.class, failure.getCause().getCause());
        assertInstanceOf(ConnectionClosedException.class,
                assertThrows(ExecutionException.class, () -> stage.get(1, TimeUnit.SECONDS)).getCause());
        assertEquals(0, holder.waiterCount());
        assertThrows(ConnectionClosedException.class, holder::await);
        assertThrows(ConnectionClosedException.class, () -> holder.await(Duration.ofMinutes(1)));
        assertThrows(ConnectionClosedException.class, holder::get);
        assertTrue(holder.connected().toCompletableFuture().isCompletedExceptionally());
        assertEquals(ConnectionState.CLOSED, holder.state());
        assertTrue(holder.isClosed());
    }

    @Test
    void closeClosesTheLiveConnectionFiresClosedAndCompletesCloseFinished(QpidBroker broker) throws Exception {
        try (QpidBroker own = QpidBroker.start()) {
            ConnectionHolder holder = Holders.manual(HolderAccessTest.settings(own.uri()), scheduler,
                    new FixedRandom(0.5), null, events);
            holder.start();
            scheduler.runDue();
            Connection connection = holder.get();
            Await.until("one connection on the broker", Duration.ofSeconds(5), () -> own.connectionCount() == 1);

            CompletableFuture<Void> finished = holder.close().toCompletableFuture();
            assertFalse(holder.closeFinished().toCompletableFuture().isDone(), "closing happens on the holder thread");
            scheduler.runDue();

            assertTrue(finished.isDone());
            assertTrue(holder.closeFinished().toCompletableFuture().isDone());
            assertFalse(connection.isOpen());
            Await.until("no connection on the broker", Duration.ofSeconds(5), () -> own.connectionCount() == 0);
            assertEquals(List.of("Connecting", "Connected", "Disconnected", "Closed"), events.names());
            assertTrue(scheduler.isShutdown());

            holder.close();
            holder.reconnect();
            assertEquals(1, events.all(Closed.class).size(), "a second close() is harmless");
        }
    }

    @Test
    void noAttemptIsMadeAfterClose() {
        ConnectionSettings refused = ConnectionSettings.builder().uri("amqp://127.0.0.1:" + Ports.closed()).build();
        ConnectionHolder holder = Holders.manual(refused, scheduler, new FixedRandom(0.5), null, events);
        holder.start();
        scheduler.runDue();
        assertEquals(Duration.ofMillis(100), scheduler.nextDelay(), "a retry is scheduled");

        holder.close();
        scheduler.runDue();
        holder.reconnect();

        assertEquals(0, scheduler.queued());
        assertEquals(1, events.all(Connecting.class).size());
        assertEquals("Closed", events.names().get(events.names().size() - 1));
    }

    @Test
    void closeCutsAHangingAttemptShortInsteadOfWaitingForTheConnectionTimeout(QpidBroker broker) throws Exception {
        try (dev.tether.testing.FaultProxy silent = dev.tether.testing.FaultProxy.start(broker.port())) {
            silent.blackHole(true);
            ConnectionSettings settings = ConnectionSettings.builder("hanging").uri(silent.uri())
                    .connectionTimeout(Duration.ofSeconds(60)).build();
            ConnectionHolder holder = Holders.real(settings, events);
            Await.until("the attempt to hang in the black hole", Duration.ofSeconds(5),
                    () -> silent.acceptedConnections() == 1);

            holder.close().toCompletableFuture().get(5, TimeUnit.SECONDS);

            assertEquals(List.of("Connecting", "Closed"), events.names(), "no failure reported for the aborted attempt");
            dev.tether.testing.ThreadLeaks.awaitNone("tether-hanging", Duration.ofSeconds(5));
        }
    }

    @Test
    void closeOnTheRealSchedulerEndsTheHolderThread(QpidBroker broker) throws Exception {
        ConnectionSettings settings = ConnectionSettings.builder("closing").uri(broker.uri()).build();
        ConnectionHolder holder = Holders.real(settings, events);
        holder.await(Duration.ofSeconds(10));
        holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        dev.tether.testing.ThreadLeaks.awaitNone("tether-closing", Duration.ofSeconds(5));
        assertEquals("Closed", events.names().get(events.names().size() - 1));
    }
}
