package dev.tether.internal.consume;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The {@link ConsumerScheduler} of a connection's consumers: one daemon thread
 * {@code tether-<name>-consumers}, alive only while there is work (it times out when idle).
 */
final class ConsumerThread implements ConsumerScheduler {

    private final ScheduledThreadPoolExecutor executor;

    ConsumerThread(String name) {
        executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "tether-" + name + "-consumers");
            thread.setDaemon(true);
            return thread;
        });
        executor.setMaximumPoolSize(1); // tasks run one at a time, always (see holder.ExecutorScheduler)
        executor.setKeepAliveTime(5, TimeUnit.SECONDS);
        executor.allowCoreThreadTimeOut(true);
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public Runnable schedule(Runnable task, Duration delay) {
        ScheduledFuture<?> future = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public void shutdown() {
        executor.shutdown();
    }
}
