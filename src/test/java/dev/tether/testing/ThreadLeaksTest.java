package dev.tether.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

/** {@link ThreadLeaks} sees a thread that is still alive and lets go once it has ended. */
class ThreadLeaksTest {

    @Test
    void detectsALiveThreadUntilItEnds() throws Exception {
        ThreadLeaks.Baseline baseline = ThreadLeaks.baseline();
        CountDownLatch release = new CountDownLatch(1);
        Thread probe = new Thread(() -> {
            try {
                release.await();
            } catch (InterruptedException ignored) {
                // ends
            }
        }, "leak-probe-1");
        probe.setDaemon(true);
        probe.start();

        assertEquals(List.of("leak-probe-1"), ThreadLeaks.threadsStartingWith("leak-probe"));
        assertTrue(baseline.newThreads().contains("leak-probe-1"));
        AssertionError leak = assertThrows(AssertionError.class,
                () -> ThreadLeaks.awaitNone("leak-probe", Duration.ofMillis(30)));
        assertTrue(leak.getMessage().contains("leak-probe-1"), leak.getMessage());
        assertThrows(AssertionError.class, () -> baseline.awaitNoNewThreads(Duration.ofMillis(30)));

        release.countDown();

        ThreadLeaks.awaitNone("leak-probe", Duration.ofSeconds(2));
        baseline.awaitNoNewThreads(Duration.ofSeconds(2), "ForkJoinPool");
    }
}
