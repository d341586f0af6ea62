package dev.tether.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds or a deadline passes.
 *
 * <p>Use this instead of fixed pauses: the condition is checked every {@value #POLL_MILLIS} ms,
 * so a test waits exactly as long as needed and fails with a message naming what it waited for.
 * Exceptions thrown by the condition are not swallowed: they propagate at once.
 */
public final class Await {

    /** Pause between two polls, in milliseconds. */
    public static final long POLL_MILLIS = 5;

    private Await() {
    }

    /**
     * Waits until {@code condition} returns {@code true}.
     *
     * @param what      what is awaited, used in the failure message
     * @param deadline  how long to wait at most
     * @param condition the condition to poll
     * @throws AssertionError if the condition is still false when the deadline has passed
     */
    public static void until(String what, Duration deadline, BooleanSupplier condition) {
        until(what, deadline, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }

    /**
     * Waits until {@code valueOrNull} returns a non-null value and returns it.
     *
     * @param what        what is awaited, used in the failure message
     * @param deadline    how long to wait at most
     * @param valueOrNull supplies the awaited value, or {@code null} while it is not there yet
     * @param <T>         the type of the value
     * @return the first non-null value supplied
     * @throws AssertionError if only {@code null} was supplied until the deadline passed
     */
    public static <T> T until(String what, Duration deadline, Supplier<T> valueOrNull) {
        long start = System.nanoTime();
        long limit = deadline.toNanos();
        while (true) {
            T value = valueOrNull.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() - start >= limit) {
                throw new AssertionError("Timed out after " + deadline.toMillis() + " ms waiting for: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for: " + what);
            }
        }
    }
}
