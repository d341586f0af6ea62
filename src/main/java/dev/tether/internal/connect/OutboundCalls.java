package dev.tether.internal.connect;

import dev.tether.internal.threads.TetherThreads;
import dev.tether.internal.values.OwnMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Runs the calls an attempt makes out of Tether (a {@code CredentialsProvider}, the configuration
 * read for credentials, an {@code AddressResolver}, a DNS lookup) on a thread of their own,
 * {@code tether-<name>-calls}, each bounded by {@code connection-timeout}: a call that does not
 * return in time fails the attempt ({@link TimedOutException}), is interrupted, and never holds the
 * holder's thread, so {@code close()} is never stuck behind it.
 *
 * <p>One thread at most, and none while idle: a call that ignores its interrupt keeps that thread
 * until it returns, and later calls queue behind it and time out too (their message says so).
 * {@link #close()} interrupts whatever runs and accepts no more calls.
 */
final class OutboundCalls {

    /** A call did not return within its limit; the message is Tether's own and names what overran. */
    static final class TimedOutException extends IOException implements OwnMessage {

        private static final long serialVersionUID = 1L;

        TimedOutException(String message) {
            super(message);
        }
    }

    private final ThreadPoolExecutor executor;
    private final Consumer<String> waitingFor;
    private final BooleanSupplier closing;
    private volatile Future<?> current;
    /** What the calls' thread runs now, or {@code null}. */
    private volatile String running;

    /**
     * @param name the connection's name, for the thread's
     * @param waitingFor told what the attempt waits for before each call, and {@code null} after it
     * @param closing whether the holder is closing: a call that starts then is cancelled at once
     */
    OutboundCalls(String name, Consumer<String> waitingFor, BooleanSupplier closing) {
        this.waitingFor = waitingFor;
        this.closing = closing;
        this.executor = new ThreadPoolExecutor(1, 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                TetherThreads.named("tether-" + name + "-calls"));
        executor.allowCoreThreadTimeOut(true);
    }

    /**
     * Runs {@code call} on the calls' thread and waits for it, at most {@code limit}.
     *
     * @param what what is called, in Tether's words: it appears in readiness data and in the
     *     timeout's message, so it must hold nothing that came from outside (a class name, a host
     *     name from validated settings)
     * @return what the call returned
     * @throws TimedOutException when it overran (it is interrupted)
     * @throws IOException {@code closed} when {@link #close()} or {@link #cancel()} ended the wait
     * @throws Exception whatever the call threw
     */
    <T> T call(String what, Callable<T> call, Duration limit) throws Exception {
        String before = running;
        Future<T> future;
        try {
            future = executor.submit(() -> {
                running = what;
                try {
                    return call.call();
                } finally {
                    running = null;
                }
            });
        } catch (RejectedExecutionException closed) {
            throw new IOException("closed");
        }
        current = future;
        if (closing.getAsBoolean()) { // cancel() may have looked for a call just before this one
            future.cancel(true);
        }
        waitingFor.accept(what);
        try {
            return future.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new TimedOutException(what + " did not answer within " + limit.toMillis() + " ms"
                    + (before != null && !before.equals(what) ? " (" + before + " had not returned yet)"
                            : before != null ? " (its previous call had not returned yet)" : ""));
        } catch (CancellationException e) {
            throw new IOException("closed");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception exception) {
                throw exception;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("closed");
        } finally {
            current = null;
            waitingFor.accept(null);
        }
    }

    /** Ends the wait for the call in progress, if any, and interrupts it (the holder is closing). */
    void cancel() {
        Future<?> call = current;
        if (call != null) {
            call.cancel(true);
        }
    }

    /** Interrupts what runs and accepts no more calls; the thread ends when the call returns. */
    void close() {
        cancel();
        executor.shutdownNow();
    }

    /** @return whether the calls' thread has ended after {@link #close()} (for tests) */
    boolean awaitTermination(Duration timeout) throws InterruptedException {
        return executor.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
}
