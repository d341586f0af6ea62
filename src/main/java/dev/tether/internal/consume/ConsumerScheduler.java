package dev.tether.internal.consume;

import java.time.Duration;

/**
 * Runs a connection's subscription work (subscribing, resubscribing, cancelling, events) one task at a
 * time, now or after a delay; a virtual-time implementation tests the backoff without sleeping.
 */
interface ConsumerScheduler {

    /**
     * @param task the task
     * @param delay zero for "as soon as possible"
     * @return cancels the task unless it started
     * @throws java.util.concurrent.RejectedExecutionException after {@link #shutdown()}
     */
    Runnable schedule(Runnable task, Duration delay);

    /** Accepts no new task; the thread ends once the running task returns. */
    void shutdown();
}
