package dev.tether.internal.holder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Connection;
import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.ConnectionEvent.Connected;
import dev.tether.ConnectionEvent.Connecting;
import dev.tether.ConnectionEvent.Disconnected;
import dev.tether.ConnectionSettings;
import dev.tether.ConnectionState;
import dev.tether.FailureKind;
import dev.tether.internal.threads.ManualScheduler;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.FixedRandom;
import dev.tether.testing.QpidBroker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code reconnect()} and a rejected connection: each gives exactly one next attempt, never two. */
@ExtendWith(EmbeddedBroker.class)
class ReconnectNowTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final Recorder events = new Recorder();

    @Test
    void reconnectDuringTheBackoffRunsThePendingAttemptNowInsteadOfAddingOne() {
        ConnectionSettings refused = ConnectionSettings.builder().uri("amqp://127.0.0.1:" + Ports.closed()).build();
        ConnectionHolder holder = Holders.manual(refused, scheduler, new FixedRandom(0.5), null, events);
        holder.start();
        scheduler.runDue();
        assertEquals(Duration.ofMillis(100), scheduler.nextDelay());

        holder.reconnect();
        scheduler.runDue();

        assertEquals(2, events.all(Connecting.class).size(), "the attempt ran at once");
        assertEquals(1, scheduler.queued(), "the attempt it replaced is gone");
        assertEquals(Duration.ofMillis(200), scheduler.nextDelay(), "the backoff after a second failure");
        scheduler.advanceToNext();
        assertEquals(3, events.all(Connecting.class).size());
        assertEquals(1, scheduler.queued());
        holder.close();
        scheduler.runDue();
    }

    @Test
    void theClosingNoticeOfAConnectionDroppedByReconnectQueuesNoTask(QpidBroker broker) throws Exception {
        ConnectionHolder holder = Holders.manual(HolderAccessTest.settings(broker.uri()), scheduler,
                new FixedRandom(0.5), null, events);
        holder.start();
        scheduler.runDue();
        Connection first = holder.get();
        CountDownLatch clientNotified = new CountDownLatch(1); // runs after the holder's own listener
        first.addShutdownListener(cause -> clientNotified.countDown());

        holder.reconnect();
        scheduler.runDue();
        assertTrue(clientNotified.await(10, TimeUnit.SECONDS));

        assertEquals(0, scheduler.queued(), "the dropped connection's notices were expected, not a loss");
        assertEquals(List.of(Duration.ZERO, Duration.ZERO, Duration.ZERO), scheduler.delays(),
                "start, reconnect, and the attempt it scheduled: nothing for the notices");
        assertEquals(1, events.all(Disconnected.class).size());
        assertEquals(ConnectionState.CONNECTED, holder.state());
        holder.close();
        scheduler.runDue();
    }

    @Test
    void aRejectedConnectionIsUndoneWithADisconnectedBeforeTheFailureAndItsClosureQueuesNoTask(QpidBroker broker)
            throws Exception {
        AtomicInteger calls = new AtomicInteger();
        IllegalStateException boom = new IllegalStateException("topology declaration failed");
        CountDownLatch clientNotified = new CountDownLatch(1);
        ConnectionHolder holder = Holders.manual(HolderAccessTest.settings(broker.uri()), scheduler,
                new FixedRandom(0.5), null, events, event -> {
                    if (event instanceof Connected connected && calls.incrementAndGet() == 1) {
                        connected.connection().addShutdownListener(cause -> clientNotified.countDown());
                        throw boom;
                    }
                });
        holder.start();
        scheduler.runDue();
        assertTrue(clientNotified.await(10, TimeUnit.SECONDS));

        assertEquals(List.of("Connecting", "Connected", "Disconnected", "ConnectFailed"), events.names());
        Disconnected undone = events.last(Disconnected.class);
        assertTrue(undone.applicationInitiated());
        assertEquals(boom, undone.cause());
        assertEquals(FailureKind.APPLICATION, events.last(ConnectFailed.class).kind());
        assertEquals(1, scheduler.queued(), "only the retry: the rejected connection's closure is no loss");
        assertEquals(List.of(Duration.ZERO, Duration.ofMillis(100)), scheduler.delays());
        holder.close();
        scheduler.runDue();
    }
}
