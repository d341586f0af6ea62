package dev.tether.internal.threads;

import java.time.Duration;

/**
 * Runs a holder's tasks one at a time, now or after a delay. The holder's whole state machine runs
 * on it, so its timing is tested with a virtual-time implementation instead of sleeping.
 */
public interface Scheduler {

    /**
     * Runs {@code task} after {@code delay}.
     *
     * @param task the task
     * @param delay the delay, zero for "as soon as possible"
     * @return a handle that cancels the task if it has not started
     * @throws java.util.concurrent.RejectedExecutionException after {@link #shutdown()}
     */
    Task schedule(Runnable task, Duration delay);

    /**
     * Runs {@code task} as soon as possible.
     *
     * @param task the task
     * @throws java.util.concurrent.RejectedExecutionException after {@link #shutdown()}
     */
    default void execute(Runnable task) {
        schedule(task, Duration.ZERO);
    }

    /** @return whether the calling thread is the one that runs this scheduler's tasks */
    default boolean onSchedulerThread() {
        return false;
    }

    /** Accepts no new task and ends the scheduler's thread once the running task returns. */
    void shutdown();

    /** A scheduled task. */
    @FunctionalInterface
    interface Task {
        /** Cancels the task unless it already started. */
        void cancel();
    }
}
