package dev.tether.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds or a deadline passes: the one way the tests, unit and
 * integration alike, wait for something to happen.
 *
 * <p>Use this instead of fixed pauses: a fixed sleep either wastes time or is too short on a slow
 * machine, while polling returns as soon as the condition holds and fails with a message naming
 * what it waited for. {@link #until} checks every {@value #POLL_MILLIS} ms, for conditions that
 * read memory; {@link #slowly} every {@link #SLOW_POLL}, for conditions that ask a broker or a server
 * (a {@code rabbitmqctl} call, an HTTP request). Exceptions thrown by the condition are not
 * swallowed: they propagate at once.
 */
public final class Await {

    /** Pause between two polls of {@link #until}, in milliseconds. */
    public static final long POLL_MILLIS = 5;

    /** Pause between two polls of {@link #slowly}. */
    public static final Duration SLOW_POLL = Duration.ofMillis(100);

    private Await() {
    }

    /**
     * Waits until {@code condition} returns {@code true}, checking every {@value #POLL_MILLIS} ms.
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
     * Waits until {@code condition} returns {@code true}, checking every {@link #SLOW_POLL}: for a
     * condition that asks a broker or a server, which should not be asked 200 times a second.
     *
     * @param what      what is awaited, used in the failure message
     * @param deadline  how long to wait at most
     * @param condition the condition to poll
     * @throws AssertionError if the condition is still false when the deadline has passed
     */
    public static void slowly(String what, Duration deadline, BooleanSupplier condition) {
        Objects.requireNonNull(condition, "condition");
        poll(what, deadline, SLOW_POLL, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
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
        return poll(what, deadline, Duration.ofMillis(POLL_MILLIS), valueOrNull);
    }

    private static <T> T poll(String what, Duration deadline, Duration every, Supplier<T> valueOrNull) {
        long limit = deadline(deadline);
        while (true) {
            T value = valueOrNull.get();
            if (value != null) {
                return value;
            }
            if (passed(limit)) {
                throw new AssertionError("Timed out after " + deadline.toMillis() + " ms waiting for: " + what);
            }
            LockSupport.parkNanos(every.toNanos());
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for: " + what);
            }
        }
    }

    /**
     * Pauses between two checks of a polling loop of the harness's own; keeps the thread's interrupt status.
     *
     * @param interval how long to pause
     * @throws IllegalStateException if the thread is interrupted
     */
    static void pause(Duration interval) {
        LockSupport.parkNanos(interval.toNanos());
        if (Thread.currentThread().isInterrupted()) {
            throw new IllegalStateException("Interrupted while polling");
        }
    }

    /** @return whether a deadline from {@link #deadline(Duration)} has passed */
    static boolean passed(long deadlineNanos) {
        return System.nanoTime() - deadlineNanos >= 0;
    }

    /** @return a deadline {@code timeout} from now, in {@link System#nanoTime()} units */
    static long deadline(Duration timeout) {
        return System.nanoTime() + TimeUnit.NANOSECONDS.convert(timeout);
    }
}
