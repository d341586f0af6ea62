package dev.tether.internal.publish;

import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Connection;
import dev.tether.ConfigKeys;
import dev.tether.internal.values.Durations;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Whether the broker blocks publishers on the publisher's connection ({@code connection.blocked}: a
 * memory or disk alarm), and a bounded wait for it to lift. A publish waits here, before it borrows
 * a confirm channel, rather than in the socket write: there it would hold a pool permit and the
 * connection's write lock (which consumers' acks need too) for as long as the alarm lasts.
 *
 * <p>Watches the connection of the latest confirm channel opened; a connection that closes counts as
 * unblocked (the next one starts unblocked). Notified on the client's connection thread.
 */
final class BlockedGate {

    private final Object lock = new Object();
    private Connection watched;
    private volatile String reason;

    /** Starts watching {@code connection} (a new confirm channel's) unless it is watched already. */
    void watch(Connection connection) {
        synchronized (lock) {
            if (watched == connection) {
                return;
            }
            watched = connection;
            reason = null;
            lock.notifyAll();
        }
        connection.addBlockedListener(new BlockedListener() {
            @Override
            public void handleBlocked(String why) {
                set(connection, why == null ? "blocked" : why);
            }

            @Override
            public void handleUnblocked() {
                set(connection, null);
            }
        });
        connection.addShutdownListener(cause -> set(connection, null));
    }

    /**
     * Waits up to {@code timeout} while the broker blocks publishers; then, nothing sent, fails.
     *
     * @param timeout {@code publish.confirm-timeout}
     * @param name the connection's name, for messages
     * @throws IOException naming the broker's reason, if the block lasted longer than {@code timeout}
     * @throws InterruptedIOException if interrupted while waiting (the interrupt flag is set again)
     */
    void awaitOrFail(Duration timeout, String name) throws IOException {
        if (reason == null) { // the publish path: one volatile read
            return;
        }
        String why;
        try {
            why = awaitUnblocked(System.nanoTime() + timeout.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while the broker blocks publishers on connection '"
                    + name + "'");
        }
        if (why != null) {
            throw new IOException("the broker blocks publishers (" + why + ") for longer than "
                    + Durations.format(timeout) + " (" + ConfigKeys.PUBLISH_CONFIRM_TIMEOUT + ")");
        }
    }

    /**
     * Waits until the broker no longer blocks publishers, or until {@code deadline}.
     *
     * @param deadline a {@link System#nanoTime()}
     * @return {@code null} when not blocked (at once, nearly always), else the broker's reason at the deadline
     * @throws InterruptedException if interrupted while waiting
     */
    String awaitUnblocked(long deadline) throws InterruptedException {
        if (reason == null) { // the publish path: one volatile read
            return null;
        }
        synchronized (lock) {
            for (long left; reason != null && (left = deadline - System.nanoTime()) > 0; ) {
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return reason;
        }
    }

    /** What the client's listeners report: {@code why} while the broker blocks {@code connection}, {@code null} once it lifts. */
    void set(Connection connection, String why) {
        synchronized (lock) {
            if (watched == connection) {
                reason = why;
                lock.notifyAll();
            }
        }
    }
}
