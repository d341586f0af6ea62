package dev.tether.internal.publish;

import dev.tether.ConfigKeys;
import dev.tether.internal.values.Durations;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The bound on a publisher's publishes awaiting their confirm ({@code publish.max-outstanding}), so
 * that memory cannot grow without limit when the broker confirms more slowly than callers publish.
 * A publish takes room before it borrows a confirm channel; its {@link ConfirmTracker} gives the room
 * back when the publish leaves it (confirmed, nacked, returned, lost, timed out or not sent).
 *
 * <p>At the bound, a caller waits for room up to {@code publish.confirm-timeout} (by then the oldest
 * outstanding publish has been confirmed or has timed out, unless the timeouts themselves are held
 * up), then the publish fails {@code NOT_SENT}. A caller on the publisher's own thread or the
 * holder's thread fails at once instead: room may only come from work queued behind it there. Not
 * fair: a publish that finds room does not queue behind those waiting for it.
 */
final class OutstandingLimit {

    private final String name;
    private final int max;
    private final Semaphore room;

    /**
     * @param name the connection's name, for messages
     * @param max the most publishes awaiting their confirm at once
     */
    OutstandingLimit(String name, int max) {
        this.name = name;
        this.max = max;
        this.room = new Semaphore(max);
    }

    /**
     * Takes room for one publish; the caller must {@link #release} it unless a tracker took it over.
     *
     * @param timeout how long to wait for room ({@code publish.confirm-timeout})
     * @param mayWait {@code false} on a thread where waiting could deadlock: fails at once when full
     * @throws IOException naming the key, if no room came in time (nothing was sent)
     * @throws InterruptedIOException if interrupted while waiting (the interrupt flag is set again)
     */
    void acquire(Duration timeout, boolean mayWait) throws IOException {
        if (room.tryAcquire()) {
            return;
        }
        if (!mayWait) {
            throw new IOException(max + " publishes await their confirm (" + ConfigKeys.PUBLISH_MAX_OUTSTANDING
                    + "), and a publish from the publisher's own thread or the holder's thread does not wait for room");
        }
        try {
            if (room.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting for room among the publishes of connection '"
                    + name + "' awaiting their confirm");
        }
        throw new IOException(max + " publishes await their confirm (" + ConfigKeys.PUBLISH_MAX_OUTSTANDING
                + ") and none settled within " + Durations.format(timeout) + " (" + ConfigKeys.PUBLISH_CONFIRM_TIMEOUT + ")");
    }

    /** Gives back the room of a publish that settled. */
    void release() {
        room.release();
    }

    /** @return how many publishes hold room now */
    int outstanding() {
        return max - room.availablePermits();
    }
}
