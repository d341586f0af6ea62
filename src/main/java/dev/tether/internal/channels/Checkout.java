package dev.tether.internal.channels;

import com.rabbitmq.client.Connection;
import dev.tether.CheckoutTimeoutException;
import dev.tether.NotConnectedException;
import dev.tether.PersistentConnection;
import dev.tether.internal.Durations;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a borrower waits for before it gets a channel: the holder's connection (up to
 * {@code await-timeout}) and one of the pool's permits, from a fair semaphore (up to
 * {@code channels.checkout-timeout}), so waiting borrowers are served in the order they came.
 */
final class Checkout {

    private final PersistentConnection holder;
    private final String kind;
    private final int max;
    private final Semaphore permits;

    Checkout(PersistentConnection holder, String kind, int max) {
        this.holder = holder;
        this.kind = kind;
        this.max = max;
        this.permits = new Semaphore(max, true);
    }

    /** @return the deadline of a borrow that starts now, for {@link #connection(long)} */
    long connectionDeadline() {
        return System.nanoTime() + holder.settings().awaitTimeout().toNanos();
    }

    /**
     * @param deadline when to give up ({@link System#nanoTime()})
     * @param dead a connection found closed, not to be returned, or {@code null}
     * @return the open connection
     */
    Connection connection(long deadline, Connection dead) throws IOException {
        Connection now = holder.current().orElse(null);
        if (now != null && now != dead) {
            return now;
        }
        try {
            return holder.await(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        } catch (TimeoutException e) {
            throw new NotConnectedException(holder.name(), holder.status().lastFailure(),
                    "is not connected (waited " + Durations.format(holder.settings().awaitTimeout()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting for connection '" + holder.name() + "'");
        }
    }

    /** Takes a permit, waiting up to {@code channels.checkout-timeout}; the caller must {@link #release()} it. */
    void acquire() throws IOException {
        Duration timeout = holder.settings().channels().checkoutTimeout();
        boolean acquired;
        try {
            acquired = permits.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting for a " + kind + " of connection '"
                    + holder.name() + "'");
        }
        if (!acquired) {
            throw new CheckoutTimeoutException(holder.name(), kind, max, timeout);
        }
    }

    void release() {
        permits.release();
    }

    int max() {
        return max;
    }

    int lent() {
        return max - permits.availablePermits();
    }

    int waiting() {
        return permits.getQueueLength();
    }
}
