package dev.tether.internal.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Connection;
import dev.tether.testing.Await;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.QpidBroker;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link BlockedGate} on its own, over real connections to the embedded broker (Qpid never sends
 * {@code connection.blocked}, so the client's notification is stood in for by {@code set}, as the
 * listener calls it; the real alarm is {@code PublishingLimitsIT}'s).
 */
@ExtendWith(EmbeddedBroker.class)
class BlockedGateTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    private final QpidBroker broker;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final BlockedGate gate = new BlockedGate();
    private Connection first;
    private Connection second;

    BlockedGateTest(QpidBroker broker) {
        this.broker = broker;
    }

    @BeforeEach
    void connect() throws Exception {
        first = broker.newConnection("gate-first");
        second = broker.newConnection("gate-second");
    }

    @AfterEach
    void close() throws Exception {
        threads.shutdownNow();
        assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
        for (Connection connection : new Connection[] {first, second}) {
            if (connection.isOpen()) {
                connection.close();
            }
        }
    }

    @Test
    void unblockedAPublishPassesAtOnce() throws Exception {
        gate.watch(first);
        gate.awaitOrFail(Duration.ofMillis(1), "orders");
        assertNull(gate.awaitUnblocked(System.nanoTime()));
    }

    @Test
    void blockedLongerThanTheTimeoutAPublishFailsNamingTheReasonAndTheKey() throws Exception {
        gate.watch(first);
        gate.set(first, "low on memory");
        IOException failure = assertThrows(IOException.class, () -> gate.awaitOrFail(Duration.ofMillis(50), "orders"));
        assertEquals("the broker blocks publishers (low on memory) for longer than 50ms (publish.confirm-timeout)",
                failure.getMessage());
    }

    @Test
    void aWaitingPublishPassesAsSoonAsTheBlockLifts() throws Exception {
        gate.watch(first);
        gate.set(first, "low on memory");
        Future<?> waiting = waitInTheGate();
        gate.set(first, null);
        waiting.get(10, TimeUnit.SECONDS); // long before its 30 s
    }

    @Test
    void watchingANewConnectionLiftsTheOldBlockAndWakesTheWaiters() throws Exception {
        gate.watch(first);
        gate.set(first, "low on memory");
        Future<?> waiting = waitInTheGate();
        gate.watch(second);
        waiting.get(10, TimeUnit.SECONDS);
        gate.set(first, "the old connection's block");
        gate.awaitOrFail(Duration.ofMillis(1), "orders"); // only the watched connection counts
        gate.watch(second); // watched already: its block stays
        gate.set(second, "disk");
        assertEquals("disk", gate.awaitUnblocked(System.nanoTime()));
    }

    @Test
    void theWatchedConnectionClosingLiftsTheBlock() throws Exception {
        gate.watch(first);
        gate.set(first, "low on memory");
        Future<?> waiting = waitInTheGate();
        first.close();
        waiting.get(10, TimeUnit.SECONDS);
    }

    @Test
    void anInterruptedWaiterGivesUpWithItsFlagSetNamingTheConnection() throws Exception {
        gate.watch(first);
        gate.set(first, "low on memory");
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        AtomicReference<Thread> thread = new AtomicReference<>();
        Future<?> waiting = threads.submit(() -> {
            thread.set(Thread.currentThread());
            try {
                gate.awaitOrFail(LONG, "orders");
                outcome.complete("passed");
            } catch (IOException e) {
                outcome.complete(e.getClass().getSimpleName() + ": " + e.getMessage() + ", interrupted="
                        + Thread.currentThread().isInterrupted());
            }
        });
        awaitWaiting(thread);
        waiting.cancel(true);
        assertEquals("InterruptedIOException: Interrupted while the broker blocks publishers on connection 'orders',"
                + " interrupted=true", outcome.get(10, TimeUnit.SECONDS));
    }

    /** Starts a publish waiting in the gate, and returns once its thread is waiting there. */
    private Future<?> waitInTheGate() {
        AtomicReference<Thread> thread = new AtomicReference<>();
        Future<?> waiting = threads.submit(() -> {
            thread.set(Thread.currentThread());
            gate.awaitOrFail(LONG, "orders");
            return null;
        });
        awaitWaiting(thread);
        return waiting;
    }

    private static void awaitWaiting(AtomicReference<Thread> thread) {
        Await.until("the publish to wait in the gate", Duration.ofSeconds(10),
                () -> thread.get() != null && thread.get().getState() == Thread.State.TIMED_WAITING);
    }
}
