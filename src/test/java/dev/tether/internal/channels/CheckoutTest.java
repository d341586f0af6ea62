package dev.tether.internal.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.CheckoutTimeoutException;
import dev.tether.ConnectionClosedException;
import dev.tether.testing.Await;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Checkout}, the pool's permits, on its own: the bound, the timeout, the counts, close and interrupts. */
class CheckoutTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() throws Exception {
        threads.shutdownNow();
        assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void atMostMaxPermitsThenATimeoutNamingConnectionPoolSizeAndWait() throws Exception {
        Checkout checkout = new Checkout("orders", "confirm channel", 2, Duration.ofMillis(50));
        checkout.acquire();
        checkout.acquire();
        assertEquals(2, checkout.lent());
        assertEquals(2, checkout.max());
        CheckoutTimeoutException timeout = assertThrows(CheckoutTimeoutException.class, checkout::acquire);
        assertEquals("Connection 'orders': no confirm channel free within 50ms (all 2 of the pool borrowed;"
                + " channels.max)", timeout.getMessage());
        assertEquals(2, checkout.lent(), "a timed-out acquire holds nothing");
        checkout.release();
        assertEquals(1, checkout.lent());
        checkout.acquire();
        assertEquals(2, checkout.lent());
    }

    @Test
    void aWaiterIsCountedAndServedWhenAPermitIsReleased() throws Exception {
        Checkout checkout = new Checkout("orders", "channel", 1, WAIT);
        checkout.acquire();
        Future<?> waiter = threads.submit(() -> {
            checkout.acquire();
            return null;
        });
        Await.until("the waiter to queue", WAIT, () -> checkout.waiting() == 1);
        checkout.release();
        waiter.get(10, TimeUnit.SECONDS);
        assertEquals(0, checkout.waiting());
        assertEquals(1, checkout.lent());
    }

    @Test
    void closeWakesEveryWaiterWithTheConnectionErrorAndLaterAcquiresFailTheSameWay() throws Exception {
        Checkout checkout = new Checkout("orders", "channel", 1, WAIT);
        checkout.acquire();
        Future<?> first = threads.submit(() -> {
            checkout.acquire();
            return null;
        });
        Future<?> second = threads.submit(() -> {
            checkout.acquire();
            return null;
        });
        Await.until("both waiters to queue", WAIT, () -> checkout.waiting() == 2);
        long start = System.nanoTime();
        checkout.close();
        for (Future<?> waiter : new Future<?>[] {first, second}) {
            ExecutionException failed = assertThrows(ExecutionException.class, () -> waiter.get(5, TimeUnit.SECONDS));
            assertInstanceOf(ConnectionClosedException.class, failed.getCause());
        }
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 5, "woken, not timed out");
        assertEquals(0, checkout.lent(), "a closed checkout lends nothing");
        assertThrows(ConnectionClosedException.class, checkout::acquire);
    }

    @Test
    void anInterruptedWaiterGivesUpWithItsFlagSetNamingWhatItWaitedFor() throws Exception {
        Checkout checkout = new Checkout("orders", "channel", 1, WAIT);
        checkout.acquire();
        CompletableFuture<Boolean> flagAfter = new CompletableFuture<>();
        Future<?> waiter = threads.submit(() -> {
            try {
                checkout.acquire();
                return null;
            } finally {
                flagAfter.complete(Thread.currentThread().isInterrupted());
            }
        });
        Await.until("the waiter to queue", WAIT, () -> checkout.waiting() == 1);
        waiter.cancel(true);
        assertTrue(flagAfter.get(10, TimeUnit.SECONDS), "interrupt flag set again");
        assertEquals(1, checkout.lent(), "the interrupted waiter took no permit");
        InterruptedIOException direct = interruptedAcquire(checkout);
        assertEquals("Interrupted while waiting for a channel of connection 'orders'", direct.getMessage());
    }

    private static InterruptedIOException interruptedAcquire(Checkout checkout) {
        Thread.currentThread().interrupt();
        try {
            return assertThrows(InterruptedIOException.class, checkout::acquire);
        } finally {
            Thread.interrupted();
        }
    }
}
