package dev.tether.internal.threads;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Scheduler} and clock in virtual time, for the holder's and the consumers' tests alike:
 * tasks run on the test's thread, only when the test says so, and time moves only when the test
 * advances it. Tasks submitted from other threads (the
 * RabbitMQ client's shutdown listeners) are queued and can be waited for with a real deadline.
 */
public final class ManualScheduler implements Scheduler, InstantSource {

    private record Entry(Instant due, long sequence, Runnable task) {
    }

    private final PriorityQueue<Entry> queue = new PriorityQueue<>((a, b) -> a.due().equals(b.due())
            ? Long.compare(a.sequence(), b.sequence()) : a.due().compareTo(b.due()));
    private final List<Duration> delays = new ArrayList<>();
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private long sequence;
    private boolean shutdown;

    @Override
    public synchronized Task schedule(Runnable task, Duration delay) {
        if (shutdown) {
            throw new RejectedExecutionException("shut down");
        }
        Entry entry = new Entry(now.plus(delay), sequence++, task);
        queue.add(entry);
        delays.add(delay);
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
        queue.clear();
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    /** @return whether {@link #shutdown()} was called */
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    /** @return every delay ever requested, in order */
    public synchronized List<Duration> delays() {
        return List.copyOf(delays);
    }

    /** @return every non-zero delay requested, in order: the backoff delays, without the "now"s */
    public synchronized List<Duration> nonZeroDelays() {
        return delays.stream().filter(delay -> !delay.isZero()).toList();
    }

    /** @return the delay from now until the next task, or {@code null} when none is queued */
    public synchronized Duration nextDelay() {
        Entry next = queue.peek();
        return next == null ? null : Duration.between(now, next.due());
    }

    /** @return how many tasks are queued */
    public synchronized int queued() {
        return queue.size();
    }

    /** Runs every task due now, including tasks those tasks schedule for now. @return how many ran */
    public int runDue() {
        int ran = 0;
        while (true) {
            Entry next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.due().isAfter(now)) {
                    return ran;
                }
                queue.poll();
            }
            next.task().run();
            ran++;
        }
    }

    /**
     * Moves time to the next queued task and runs what is due then.
     *
     * @return how far time moved
     * @throws AssertionError when nothing is queued
     */
    public Duration advanceToNext() {
        Duration delay;
        synchronized (this) {
            delay = nextDelay();
            if (delay == null) {
                throw new AssertionError("no task is scheduled");
            }
            now = now.plus(delay);
        }
        runDue();
        return delay;
    }

    /** Moves time forward by {@code duration} and runs what is due. */
    public void advance(Duration duration) {
        synchronized (this) {
            now = now.plus(duration);
        }
        runDue();
    }

    /**
     * Waits (in real time, up to {@code deadline}) until a task is due now, e.g. one submitted by a
     * client thread, then runs what is due.
     *
     * @throws AssertionError when none came in time
     */
    public void awaitAndRunDue(Duration deadline) throws InterruptedException {
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
