package dev.tether.internal.consume;

import dev.tether.internal.threads.TetherThreads;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run a connection's handlers, {@code tether-<name>-handler-<n>}: as many as handlers
 * run at once (bounded by the subscriptions' concurrency), ended after a minute idle and at close.
 * Never the RabbitMQ client's threads, so a handler may block, publish and wait for confirms.
 */
final class HandlerThreads implements Executor {

    private final ThreadPoolExecutor executor;

    HandlerThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                runnable -> TetherThreads.create(runnable, "tether-" + name + "-handler-" + count.incrementAndGet()));
    }

    @Override
    public void execute(Runnable command) {
        executor.execute(command);
    }

    /** Accepts no new work; running handlers finish, then their threads end. */
    void shutdown() {
        executor.shutdown();
    }
}
