package dev.tether.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition by checking it repeatedly until a deadline, for the integration tests.
 *
 * <p>This is the only way the integration tests wait for something to happen: a fixed sleep
 * either wastes time or is too short on a slow machine, while polling returns as soon as the
 * condition holds and fails with a description when it never does.
 */
public final class Poll {

    /** The pause between two checks. */
    public static final Duration INTERVAL = Duration.ofMillis(100);

    private Poll() {
    }

    /**
     * Checks {@code condition} every {@link #INTERVAL} until it is true.
     *
     * @param description what is awaited, for the failure message
     * @param timeout how long to keep trying
     * @param condition the condition; an exception it throws propagates
     * @throws AssertionError when the condition is still false at the deadline
     */
    public static void until(String description, Duration timeout, BooleanSupplier condition) {
        Objects.requireNonNull(condition, "condition");
        long deadline = deadline(timeout);
        while (!condition.getAsBoolean()) {
            if (passed(deadline)) {
                throw new AssertionError("Timed out after " + timeout.toMillis() + " ms waiting for: " + description);
            }
            pause(INTERVAL);
        }
    }

    /**
     * Pauses between two checks of a polling loop; keeps the thread's interrupt status.
     *
     * @param interval how long to pause
     */
    static void pause(Duration interval) {
        LockSupport.parkNanos(interval.toNanos());
        if (Thread.currentThread().isInterrupted()) {
            throw new IllegalStateException("Interrupted while polling");
        }
    }

    /**
     * Whether a deadline taken from {@link System#nanoTime()} has passed.
     *
     * @param deadlineNanos the deadline, in {@link System#nanoTime()} units
     * @return true when it has passed
     */
    static boolean passed(long deadlineNanos) {
        return System.nanoTime() - deadlineNanos >= 0;
    }

    /**
     * A deadline {@code timeout} from now, in {@link System#nanoTime()} units.
     *
     * @param timeout how far from now
     * @return the deadline
     */
    static long deadline(Duration timeout) {
        return System.nanoTime() + TimeUnit.NANOSECONDS.convert(timeout);
    }
}
