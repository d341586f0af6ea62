package dev.tether.internal.channels;

import dev.tether.CheckoutTimeoutException;
import dev.tether.ConnectionClosedException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The pool's permits: a fair semaphore (waited on up to {@code channels.checkout-timeout}), so
 * waiting borrowers are served in the order they came. The connection a borrower also waits for
 * comes through {@link dev.tether.internal.access.ConnectionAccess#awaitOrFail}, never while it
 * holds a permit. {@link #close()} wakes every waiter with a {@link ConnectionClosedException}.
 */
final class Checkout {

    /** Released at close: enough for every thread that could be waiting, far from the semaphore's limit. */
    private static final int WAKE_ALL = 1 << 24;

    private final String name;
    private final String kind;
    private final int max;
    private final Duration timeout;
    private final Semaphore permits;
    private volatile boolean closed;

    Checkout(String name, String kind, int max, Duration timeout) {
        this.name = name;
        this.timeout = timeout;
        this.kind = kind;
        this.max = max;
        this.permits = new Semaphore(max, true);
    }

    /**
     * Takes a permit, waiting up to {@code channels.checkout-timeout}; the caller must {@link #release()} it.
     *
     * @throws ConnectionClosedException if the pool is or becomes closed (no permit is then held)
     */
    void acquire() throws IOException {
        boolean acquired;
        try {
            acquired = permits.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting for a " + kind + " of connection '"
                    + name + "'");
        }
        if (closed) {
            if (acquired) {
                permits.release();
            }
            throw new ConnectionClosedException(name);
        }
        if (!acquired) {
            throw new CheckoutTimeoutException(name, kind, max, timeout);
        }
    }

    void release() {
        permits.release();
    }

    /** Wakes every waiting borrower, who then fails with {@link ConnectionClosedException}; so do later ones. */
    void close() {
        closed = true;
        permits.release(WAKE_ALL);
    }

    int max() {
        return max;
    }

    int lent() {
        return closed ? 0 : max - permits.availablePermits();
    }

    int waiting() {
        return permits.getQueueLength();
    }
}
