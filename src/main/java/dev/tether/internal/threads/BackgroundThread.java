package dev.tether.internal.threads;

import java.lang.System.Logger.Level;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Tether's own thread for work that must not run on the RabbitMQ client's connection thread: the
 * completion of publishes' stages, closing retired channels, closing idle channels. One daemon
 * thread named {@code tether-<name>-<role>} (e.g. {@code tether-orders-publish}), started on demand
 * and ended after a minute without work; tasks run one at a time, in the order they came.
 *
 * <p>Why not the connection thread: code there that needs a channel RPC ({@code createChannel},
 * {@code confirm.select}, a declare) waits for a reply that only the connection thread reads.
 */
public final class BackgroundThread implements Executor {

    private static final System.Logger LOG = System.getLogger("dev.tether");

    private final ThreadPoolExecutor executor;
    private volatile Thread thread;

    /**
     * @param name the thread's name
     */
    public BackgroundThread(String name) {
        this.executor = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), task -> {
            Thread started = TetherThreads.create(task, name); // a clean context: it runs the application's completions
            thread = started;
            return started;
        });
        executor.allowCoreThreadTimeOut(true);
    }

    /** Runs {@code task} on the thread; a task that throws is logged, and later tasks still run. */
    @Override
    public void execute(Runnable task) {
        executor.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.WARNING, "A Tether task failed on " + Thread.currentThread().getName(), e);
            }
        });
    }

    /** @return whether the caller runs on this thread (where waiting for its own later tasks would deadlock) */
    public boolean isCurrent() {
        return Thread.currentThread() == thread;
    }

    /**
     * The owner is closing: the thread ends as soon as it has no work. Tasks given later (e.g.
     * completions of publishes failed by the connection's close) still run, on a thread started for them.
     */
    public void close() {
        executor.setKeepAliveTime(1, TimeUnit.MILLISECONDS);
    }
}
