package dev.tether.internal.holder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Connection;
import dev.tether.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The callers waiting for a connection: released together, failed together, never left behind. */
class WaitersTest {

    private final Waiters waiters = new Waiters();
    private final Connection connection = new StubConnection("a").connection();

    @Test
    void aRegisteredWaiterIsPendingAndCountedUntilItCompletes() {
        CompletableFuture<Connection> first = waiters.register();
        CompletableFuture<Connection> second = waiters.register();

        assertNotSame(first, second, "one waiter per caller");
        assertFalse(first.isDone() || second.isDone());
        assertEquals(2, waiters.size());

        first.complete(connection);
        assertEquals(1, waiters.size(), "a waiter completed by anyone removes itself");
    }

    @Test
    void releaseCompletesEveryWaiterWithTheConnectionAndLeavesNone() {
        List<CompletableFuture<Connection>> all = List.of(waiters.register(), waiters.register(), waiters.register());

        waiters.release(connection);

        for (CompletableFuture<Connection> waiter : all) {
            assertSame(connection, waiter.getNow(null));
        }
        assertEquals(0, waiters.size());
    }

    @Test
    void aWaiterRegisteredAfterAReleaseWaitsForTheNextOne() {
        waiters.release(connection);

        CompletableFuture<Connection> late = waiters.register();

        assertFalse(late.isDone(), "a release is not remembered");
        Connection next = new StubConnection("b").connection();
        waiters.release(next);
        assertSame(next, late.getNow(null));
    }

    @Test
    void failAllFailsEveryWaiterWithAFreshExceptionEach() {
        List<CompletableFuture<Connection>> all = List.of(waiters.register(), waiters.register());
        AtomicInteger made = new AtomicInteger();

        waiters.failAll(() -> new IllegalStateException("closed #" + made.incrementAndGet()));

        assertEquals(2, made.get(), "one exception per waiter: a shared one would collect every caller's suppressed");
        Throwable first = assertThrows(ExecutionException.class, all.get(0)::get).getCause();
        Throwable second = assertThrows(ExecutionException.class, all.get(1)::get).getCause();
        assertTrue(first instanceof IllegalStateException && second instanceof IllegalStateException);
        assertNotSame(first, second);
        assertEquals(0, waiters.size());
    }

    @Test
    void aCancelledOrTimedOutWaiterLeavesNothingBehind() {
        CompletableFuture<Connection> cancelled = waiters.register();
        CompletableFuture<Connection> timedOut = waiters.register();
        CompletableFuture<Connection> staying = waiters.register();

        cancelled.cancel(false);
        ExecutionException expired = assertThrows(ExecutionException.class,
                () -> timedOut.orTimeout(1, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, expired.getCause());

        // The timed-out waiter removes itself on the thread that timed it out (the JDK's delayer), just
        // after get() may already have returned here: seen as 2 in CI on Java 25. Wait for it.
        Await.until("the timed-out waiter to remove itself", Duration.ofSeconds(5), () -> waiters.size() == 1);
        waiters.release(connection);
        assertSame(connection, staying.getNow(null));
        assertTrue(cancelled.isCancelled(), "a cancelled waiter is not completed afterwards");
    }
}
