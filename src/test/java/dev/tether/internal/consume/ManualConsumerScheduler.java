package dev.tether.internal.consume;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ConsumerScheduler} and clock in virtual time (as the holder's {@code ManualScheduler}):
 * tasks run on the test's thread when it says so; tasks submitted by the client's threads (a channel
 * closed, a consumer cancelled) are waited for with a real deadline.
 */
final class ManualConsumerScheduler implements ConsumerScheduler, InstantSource {

    private record Entry(Instant due, long sequence, Runnable task) {
    }

    private final PriorityQueue<Entry> queue = new PriorityQueue<>((a, b) -> a.due().equals(b.due())
            ? Long.compare(a.sequence(), b.sequence()) : a.due().compareTo(b.due()));
    private final List<Duration> delays = new ArrayList<>();
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private long sequence;
    private boolean shutdown;

    @Override
    public synchronized Runnable schedule(Runnable task, Duration delay) {
        if (shutdown) {
            throw new RejectedExecutionException("shut down");
        }
        Entry entry = new Entry(now.plus(delay), sequence++, task);
        queue.add(entry);
        if (!delay.isZero()) {
            delays.add(delay);
        }
        notifyAll();
        return () -> {
            synchronized (this) {
                queue.remove(entry);
            }
        };
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    /** @return every non-zero delay requested, in order */
    synchronized List<Duration> delays() {
        return List.copyOf(delays);
    }

    /** Runs every task due now, including those they schedule for now. */
    void runDue() {
        while (true) {
            Entry next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.due().isAfter(now)) {
                    return;
                }
                queue.poll();
            }
            next.task().run();
        }
    }

    /** Moves time to the next queued task and runs what is due; @return how far time moved */
    Duration advanceToNext() {
        Duration delay;
        synchronized (this) {
            Entry next = queue.peek();
            if (next == null) {
                throw new AssertionError("no task is scheduled");
            }
            delay = Duration.between(now, next.due());
            now = next.due();
        }
        runDue();
        return delay;
    }

    /** Waits (real time, up to {@code deadline}) for a task due now, then runs what is due. */
    void awaitAndRunDue(Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        synchronized (this) {
            while (queue.isEmpty() || queue.peek().due().isAfter(now)) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no task became due within " + deadline);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
        runDue();
    }
}
