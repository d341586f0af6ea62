package dev.tether.internal.holder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.ConnectionEvent;
import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.ConnectionEvent.Connected;
import dev.tether.ConnectionEvent.Connecting;
import dev.tether.ConnectionListener;
import dev.tether.ConnectionSettings;
import dev.tether.ConnectionState;
import dev.tether.FailureKind;
import dev.tether.internal.threads.ManualScheduler;
import dev.tether.testing.Await;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.FixedRandom;
import dev.tether.testing.LogCapture;
import dev.tether.testing.QpidBroker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** No task of the state machine can end the reconnect loop: the holder logs and carries on. */
@ExtendWith(EmbeddedBroker.class)
class HolderSurvivalTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final Recorder events = new Recorder();
    private LogCapture log;

    @BeforeEach
    void captureLogs() {
        log = LogCapture.of(Reconnector.class.getName());
    }

    @AfterEach
    void releaseLogs() {
        log.close();
    }

    @Test
    void aListenerThrowingStackOverflowErrorDoesNotEndReconnecting() {
        ConnectionSettings settings = ConnectionSettings.builder().uri("amqp://127.0.0.1:" + Ports.closed()).build();
        ConnectionListener overflowing = event -> {
            if (event instanceof ConnectFailed) {
                throw new StackOverflowError("a listener recursed too deep");
            }
        };
        ConnectionHolder holder = Holders.manual(settings, scheduler, new FixedRandom(0.5), null, events, overflowing);
        holder.start();
        scheduler.runDue();

        assertNotNull(scheduler.nextDelay(), "the next attempt is scheduled");
        scheduler.advanceToNext();
        assertEquals(2, events.last(Connecting.class).attempt());
        assertEquals(2, events.all(ConnectFailed.class).size());
        holder.close();
        scheduler.runDue();
    }

    @Test
    void anErrorThatEscapesATaskIsLoggedAndTheNextAttemptFollowsTheBackoff(QpidBroker broker) {
        ConnectionSettings settings = ConnectionSettings.builder().uri(broker.uri()).build();
        AtomicBoolean thrown = new AtomicBoolean();
        ConnectionListener failingOnce = event -> {
            if (event instanceof Connecting && thrown.compareAndSet(false, true)) {
                throw new OutOfMemoryError("simulated, escapes the event dispatcher");
            }
        };
        ConnectionHolder holder = Holders.manual(settings, scheduler, new FixedRandom(0.5), null, events, failingOnce);
        holder.start();
        scheduler.runDue();

        assertEquals(ConnectionState.CONNECTING, holder.state());
        ConnectFailed failed = events.last(ConnectFailed.class);
        assertEquals(FailureKind.UNKNOWN, failed.kind());
        assertInstanceOf(OutOfMemoryError.class, failed.cause());
        assertTrue(log.contains(Level.SEVERE, "the holder carries on"), "logged at ERROR");
        assertEquals(failed.nextDelay(), scheduler.nextDelay());

        scheduler.advanceToNext();
        assertEquals(ConnectionState.CONNECTED, holder.state());
        assertEquals(2, events.last(Connected.class).attempt());
        holder.close();
        scheduler.runDue();
        assertEquals(List.of("Connecting", "ConnectFailed", "Connecting", "Connected", "Disconnected", "Closed"),
                events.names());
    }

    @Test
    void closingFromAConnectedListenerLeavesNoConnectionAndEndsWithClosed(QpidBroker broker) {
        ConnectionSettings settings = ConnectionSettings.builder().uri(broker.uri()).build();
        ConnectionHolder[] self = new ConnectionHolder[1];
        ConnectionListener closer = event -> {
            if (event instanceof Connected) {
                self[0].close();
            }
        };
        int before = broker.connectionCount();
        self[0] = Holders.manual(settings, scheduler, new FixedRandom(0.5), null, events, closer);
        self[0].start();
        scheduler.runDue();

        assertEquals(List.of("Connecting", "Connected", "Disconnected", "Closed"), events.names());
        Connected connected = events.last(Connected.class);
        assertFalse(connected.connection().isOpen(), "the delivered connection is closed");
        assertTrue(self[0].current().isEmpty());
        assertEquals(ConnectionState.CLOSED, self[0].state());
        assertTrue(scheduler.isShutdown());
        Await.until("no connection left on the broker", Duration.ofSeconds(10),
                () -> broker.connectionCount() == before);
    }

    @Test
    void aRejectedConnectionIsFollowedByDisconnectedBeforeTheFailure(QpidBroker broker) {
        ConnectionSettings settings = ConnectionSettings.builder().uri(broker.uri()).build();
        int[] up = new int[1];
        ConnectionListener counter = event -> {
            if (event instanceof Connected) {
                up[0]++;
            } else if (event instanceof ConnectionEvent.Disconnected) {
                up[0]--;
            }
        };
        AtomicBoolean rejected = new AtomicBoolean();
        ConnectionListener rejecting = event -> {
            if (event instanceof Connected && rejected.compareAndSet(false, true)) {
                throw new IllegalStateException("topology could not be declared");
            }
        };
        ConnectionHolder holder = Holders.manual(settings, scheduler, new FixedRandom(0.5), null,
                events, counter, rejecting);
        holder.start();
        scheduler.runDue();

        assertEquals(List.of("Connecting", "Connected", "Disconnected", "ConnectFailed"), events.names());
        assertEquals(0, up[0], "an up/down counter is back to zero");
        ConnectionEvent.Disconnected undone = events.last(ConnectionEvent.Disconnected.class);
        assertInstanceOf(IllegalStateException.class, undone.cause());
        assertTrue(undone.applicationInitiated());
        assertEquals(FailureKind.APPLICATION, events.last(ConnectFailed.class).kind());

        scheduler.advanceToNext();
        assertEquals(1, up[0]);
        holder.close();
        scheduler.runDue();
        assertEquals(0, up[0]);
    }
}
