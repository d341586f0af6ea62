package dev.tether.internal.holder;

import dev.tether.internal.threads.Scheduler;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A {@link Scheduler} whose tasks cannot end the holder's loop: whatever a task throws, even an
 * {@link Error}, goes to a handler on the same thread, which keeps the holder alive.
 */
final class GuardedScheduler implements Scheduler {

    private final Scheduler scheduler;
    private final Consumer<Throwable> onUnexpected;

    GuardedScheduler(Scheduler scheduler, Consumer<Throwable> onUnexpected) {
        this.scheduler = scheduler;
        this.onUnexpected = onUnexpected;
    }

    @Override
    public Task schedule(Runnable task, Duration delay) {
        return scheduler.schedule(() -> {
            try {
                task.run();
            } catch (Throwable unexpected) {
                onUnexpected.accept(unexpected);
            }
        }, delay);
    }

    @Override
    public boolean onSchedulerThread() {
        return scheduler.onSchedulerThread();
    }

    @Override
    public void shutdown() {
        scheduler.shutdown();
    }
}
