package dev.tether.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** {@link Await} returns as soon as its condition holds and names what it waited for when it does not. */
class AwaitTest {

    @Test
    void returnsTheFirstNonNullValue() {
        AtomicInteger polls = new AtomicInteger();
        String value = Await.until("third poll", Duration.ofSeconds(1),
                () -> polls.incrementAndGet() == 3 ? "done" : null);
        assertEquals("done", value);
        assertEquals(3, polls.get());
    }

    @Test
    void returnsOnceTheConditionHolds() {
        AtomicInteger polls = new AtomicInteger();
        Await.until("second poll", Duration.ofSeconds(1), () -> polls.incrementAndGet() >= 2);
        assertEquals(2, polls.get());
    }

    @Test
    void failsAfterTheDeadlineNamingWhatItAwaited() {
        long start = System.nanoTime();
        AssertionError error = assertThrows(AssertionError.class,
                () -> Await.until("the impossible", Duration.ofMillis(50), () -> false));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(error.getMessage().contains("the impossible"), error.getMessage());
        assertTrue(millis >= 50 && millis < 1_000, "gave up after " + millis + " ms");
    }

    @Test
    void slowlyReturnsOnceTheConditionHolds() {
        AtomicInteger polls = new AtomicInteger();
        Await.slowly("third poll", Duration.ofSeconds(10), () -> polls.incrementAndGet() >= 3);
        assertEquals(3, polls.get());
    }

    @Test
    void slowlyFailsAfterTheDeadlineNamingWhatItAwaited() {
        AssertionError failure = assertThrows(AssertionError.class,
                () -> Await.slowly("the impossible", Duration.ofMillis(50), () -> false));
        assertEquals("Timed out after 50 ms waiting for: the impossible", failure.getMessage());
    }
}
