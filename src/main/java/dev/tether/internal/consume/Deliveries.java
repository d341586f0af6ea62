package dev.tether.internal.consume;

import dev.tether.DeliveredMessage;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.RejectedExecutionException;

/**
 * One subscription's deliveries on their way to its handler: they wait in one queue and are handed to
 * Tether's handler threads, at most {@code concurrency} at once across all the subscription's channels,
 * old and new. A channel stopped ({@link #stop}) hands out no more of its deliveries and is drained
 * once its last handler has finished; a halted subscription (paused, cancelled) hands out none.
 * Deliveries not handed out stay unacknowledged, so they go back to the queue when their channel closes.
 *
 * <p>{@link #delivered} runs on the client's consumer thread, {@link #stop} and the limits on the
 * consumers' scheduler, the handlers on the handler threads; one lock guards the queue, the counts and
 * each {@link ConsumerChannel}'s {@code stopped} and {@code inFlight}.
 */
final class Deliveries {

    private static final System.Logger LOG = System.getLogger(ManagedSubscription.class.getName());

    private record Pending(ConsumerChannel from, DeliveredMessage message) {
    }

    private final ManagedConsumers consumers;
    private final String queue;
    private final Handling handling;

    private final Object lock = new Object();
    // guarded by lock
    private final Deque<Pending> waiting = new ArrayDeque<>();
    private int running;
    private int concurrency = 1;
    private int mostRunning;
    private boolean halted;

    Deliveries(ManagedConsumers consumers, String queue, Handling handling) {
        this.consumers = consumers;
        this.queue = queue;
        this.handling = handling;
    }

    /** @param concurrency how many handlers may run at once from now on (a lower bound is reached as they finish) */
    void concurrency(int concurrency) {
        synchronized (lock) {
            this.concurrency = concurrency;
        }
    }

    /** Hands out no more deliveries from now on; those waiting go back to the queue when their channel closes. */
    void halt() {
        synchronized (lock) {
            halted = true;
            waiting.clear();
        }
    }

    /** Hands out deliveries again (resumed). */
    void unhalt() {
        synchronized (lock) {
            halted = false;
        }
    }

    /** Queues a delivery of {@code from}, and starts a handler thread if one may start. */
    void delivered(ConsumerChannel from, DeliveredMessage message) {
        boolean start;
        synchronized (lock) {
            if (from.stopped || halted) {
                return; // left unacked: back to the queue when its channel closes
            }
            waiting.add(new Pending(from, message));
            start = running < concurrency;
            if (start) {
                running++;
                mostRunning = Math.max(mostRunning, running);
            }
        }
        if (start) {
            try {
                consumers.handlers().execute(this::work);
            } catch (RejectedExecutionException closing) {
                synchronized (lock) {
                    running--;
                }
            }
        }
    }

    /** Hands out no more of the channel's deliveries; drained at once when none is in flight. */
    void stop(ConsumerChannel consumer) {
        boolean drained;
        synchronized (lock) {
            consumer.stopped = true;
            waiting.removeIf(pending -> pending.from() == consumer);
            drained = consumer.inFlight == 0;
        }
        if (drained) {
            consumer.drained().complete(null);
        }
    }

    /** @return the most handlers that ran at once (for tests) */
    int mostRunning() {
        synchronized (lock) {
            return mostRunning;
        }
    }

    /** @return how many deliveries wait for a handler (for tests) */
    int waitingCount() {
        synchronized (lock) {
            return waiting.size();
        }
    }

    /** A handler thread's loop: takes the next delivery until none waits (or fewer handlers may run). */
    private void work() {
        while (true) {
            Pending next;
            synchronized (lock) {
                next = halted || running > concurrency ? null : waiting.poll(); // concurrency lowered at a resubscribe
                if (next == null) {
                    running--;
                    return;
                }
                next.from().inFlight++;
            }
            try {
                handling.handle(next.from(), next.message());
            } catch (RuntimeException | Error e) {
                // an error the error policy does not take (OutOfMemoryError, an Error of the application's):
                // this thread carries on, or its place among the handlers would be taken for good and the
                // deliveries waiting for it never handed out
                LOG.log(Level.ERROR, "Connection '" + consumers.name() + "': the handler of '" + queue + "' threw " + e
                        + "; its message stays unacknowledged until its channel closes, the others flow", e);
            } finally {
                boolean drained;
                synchronized (lock) {
                    drained = --next.from().inFlight == 0 && next.from().stopped;
                }
                if (drained) {
                    next.from().drained().complete(null);
                }
            }
        }
    }
}
