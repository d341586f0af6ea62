package dev.tether.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.RepeatedTest;

/** The real executor under the holder's state machine: one thread, one task at a time, whatever the timing. */
class ExecutorSchedulerTest {

    private static final int SUBMITTERS = 4;
    private static final int ROUNDS = 3_000;

    /*
     * The worker times out after 100 µs idle, and each submitter waits a gap that sweeps 0-200 µs
     * between submissions: submissions keep meeting a worker that is timing out. With the pool's
     * maximum left at Integer.MAX_VALUE, the exiting worker's replacement and the submitter's own
     * new worker can both start (seen here in 13 of 20 such runs), and two tasks can run at once.
     */
    @RepeatedTest(3)
    void neverHasTwoThreadsNorRunsTwoTasksAtOnceWhenSubmissionsRaceTheIdleThreadsExit() throws Exception {
        ExecutorScheduler scheduler = new ExecutorScheduler("tether-overlap-test", Duration.ofNanos(100_000));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicLong ran = new AtomicLong();
        Runnable task = () -> {
            if (running.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            spin(1_000); // long enough for a second thread's task to be seen
            running.decrementAndGet();
            ran.incrementAndGet();
        };
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < SUBMITTERS; t++) {
            long seed = t * 101L;
            Thread submitter = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < ROUNDS; i++) {
                    scheduler.execute(task);
                    spin((i * 37_000L + seed) % 200_000);
                }
            });
            submitter.start();
            threads.add(submitter);
        }
        go.countDown();
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(60).toMillis());
        }
        scheduler.shutdown();
        assertTrue(scheduler.awaitTermination(Duration.ofSeconds(30)), "the scheduler's thread ended");
        assertEquals((long) SUBMITTERS * ROUNDS, ran.get(), "every task ran");
        assertEquals(1, scheduler.largestPoolSize(), "the executor never had more than one thread");
        assertEquals(0, overlaps.get(), "two tasks ran at the same time");
    }

    private static void spin(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }
}
