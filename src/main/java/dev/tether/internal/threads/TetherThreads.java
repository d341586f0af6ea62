package dev.tether.internal.threads;

import java.util.concurrent.ThreadFactory;

/**
 * Creates every thread Tether starts (the holder's, the token refresh's, the outbound calls'),
 * with a clean context whichever thread asked first: a request thread or the RabbitMQ client's I/O
 * thread would otherwise hand down its context class loader (pinning an undeployed application's
 * loader) and its inheritable thread locals (MDC, a security context). Each thread is a daemon,
 * of normal priority, with Tether's own class loader as its context class loader and no inherited
 * thread locals.
 */
public final class TetherThreads {

    private TetherThreads() {
    }

    /**
     * @param name the thread's name, {@code tether-...}
     * @return a factory of threads of that name
     */
    public static ThreadFactory named(String name) {
        return task -> create(task, name);
    }

    /**
     * @param task what the thread runs
     * @param name its name
     * @return a new, unstarted thread
     */
    public static Thread create(Runnable task, String name) {
        Thread thread = new Thread(null, task, name, 0, false); // false: no inheritable thread locals
        thread.setDaemon(true);
        thread.setPriority(Thread.NORM_PRIORITY);
        thread.setContextClassLoader(TetherThreads.class.getClassLoader());
        return thread;
    }
}
