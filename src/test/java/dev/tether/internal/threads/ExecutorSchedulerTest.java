package dev.tether.internal.threads;

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

    @org.junit.jupiter.api.Test
    void isCappedAtOneThread() {
        // Without the cap, a timed-out worker's replacement and a submitter's new worker can both
        // start and both take tasks (processWorkerExit and ensurePrestart race in the JDK).
        ExecutorScheduler scheduler = new ExecutorScheduler("tether-cap-test");
        assertEquals(1, scheduler.maximumPoolSize());
        scheduler.shutdown();
    }

    /*
     * The worker times out after 100 µs idle, and each submitter waits a gap that sweeps 0-200 µs
     * between submissions: submissions keep meeting a worker that is timing out. With the pool's
     * maximum left at Integer.MAX_VALUE, the exiting worker's replacement and the submitter's own
     * new worker can both start (seen here in 13 of 20 such runs), and both take tasks.
     */
    @RepeatedTest(3)
    void neverHasTwoThreadsNorRunsTwoTasksAtOnceWhenSubmissionsRaceTheIdleThreadsExit() throws Exception {
        ExecutorScheduler scheduler = new ExecutorScheduler("tether-overlap-test", Duration.ofNanos(100_000));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicLong ran = new AtomicLong();
        List<Thread> runs = new ArrayList<>(); // the threads that ran tasks, one entry per run of the same thread
        Runnable task = () -> {
            if (running.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            synchronized (runs) {
                if (runs.isEmpty() || runs.get(runs.size() - 1) != Thread.currentThread()) {
                    runs.add(Thread.currentThread());
                }
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
        // A worker that timed out may still exist while its replacement starts (so the pool's largest
        // size can be 2), but it never takes a task again: no thread comes back after another ran.
        assertEquals(runs.size(), new java.util.HashSet<>(runs).size(),
                "a thread ran tasks again after another thread had: two workers took tasks");
        assertEquals(0, overlaps.get(), "two tasks ran at the same time");
    }

    private static void spin(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }
}
