package dev.tether.internal.threads;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Scheduler} on one daemon thread that exists only while there is work: while a holder is
 * connected and idle, it has no thread of its own.
 *
 * <p>The pool is capped at one thread. A {@link ScheduledThreadPoolExecutor} keeps its default
 * maximum of {@code Integer.MAX_VALUE} otherwise, and with core threads timing out, a submission
 * that lands while the idle worker exits can start a second worker next to its replacement; the
 * holder's state machine would then run two tasks at once.
 */
public final class ExecutorScheduler implements Scheduler {

    private static final Duration IDLE = Duration.ofSeconds(5);

    private final ScheduledThreadPoolExecutor executor;
    private volatile Thread thread;

    /** @param threadName the name of the thread, {@code tether-<connection name>} */
    public ExecutorScheduler(String threadName) {
        this(threadName, IDLE);
    }

    /**
     * @param threadName the name of the thread
     * @param idle how long the thread outlives its last task
     */
    ExecutorScheduler(String threadName, Duration idle) {
        executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread created = TetherThreads.create(runnable, threadName);
            thread = created;
            return created;
        });
        executor.setMaximumPoolSize(1);
        executor.setKeepAliveTime(idle.toNanos(), TimeUnit.NANOSECONDS);
        executor.allowCoreThreadTimeOut(true);
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public Task schedule(Runnable task, Duration delay) {
        ScheduledFuture<?> future = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public boolean onSchedulerThread() {
        return Thread.currentThread() == thread;
    }

    @Override
    public void shutdown() {
        executor.shutdown();
    }

    /** @return the most threads the executor may have (for tests) */
    int maximumPoolSize() {
        return executor.getMaximumPoolSize();
    }

    /** @return whether the thread has ended after {@link #shutdown()} (for tests) */
    boolean awaitTermination(Duration timeout) throws InterruptedException {
        return executor.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
}
