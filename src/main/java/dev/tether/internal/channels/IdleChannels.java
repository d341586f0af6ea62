package dev.tether.internal.channels;

import java.time.Duration;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A pool's idle channels and their trimming. Idle channels wait in a LIFO deque, so the most
 * recently used is lent first and the oldest age at the tail. Channels idle for {@code idleTime}
 * beyond the first {@link ChannelPool#IDLE_FLOOR} are retired by a timer task on {@code trimmer}
 * (scheduled only while more than the floor are idle), so that a burst does not keep channel numbers
 * from the other pool or the application. After {@link #close()}, a channel kept meanwhile is retired.
 *
 * @param <A> what the pool's preparer attaches to each channel
 */
final class IdleChannels<A> {

    private final Deque<PooledChannel<A>> idle = new ConcurrentLinkedDeque<>();
    private final AtomicBoolean trimScheduled = new AtomicBoolean();
    private final ChannelPool.Retirer<A> retirer;
    private final Executor trimmer;
    private final Duration idleTime;
    private volatile boolean closed;

    /**
     * @param retirer closes a channel lent no more
     * @param trimmer where trimming runs (never the client's connection thread)
     * @param idleTime how long a channel above the floor may stay idle
     */
    IdleChannels(ChannelPool.Retirer<A> retirer, Executor trimmer, Duration idleTime) {
        this.retirer = retirer;
        this.trimmer = trimmer;
        this.idleTime = idleTime;
    }

    /** Keeps a given-back channel for the next borrower, first in line. */
    void keep(PooledChannel<A> channel) {
        channel.idleSince(System.nanoTime());
        idle.offerFirst(channel);
        if (closed && idle.remove(channel)) { // close() ran meanwhile and may have missed it
            retirer.retire(channel);
        }
        scheduleTrim();
    }

    /** @return the most recently kept channel, or {@code null} if none is idle */
    PooledChannel<A> take() {
        return idle.pollFirst();
    }

    /** Forgets {@code channel} if it is idle (it shut down). */
    void remove(PooledChannel<A> channel) {
        idle.remove(channel);
    }

    /** @return how many channels are idle */
    int size() {
        return idle.size();
    }

    /** Drops every idle channel without closing it (its connection is being closed); trimming stops. */
    void close() {
        closed = true;
        idle.clear();
    }

    private void scheduleTrim() {
        if (idle.size() > ChannelPool.IDLE_FLOOR && !closed && trimScheduled.compareAndSet(false, true)) {
            CompletableFuture.delayedExecutor(idleTime.toNanos(), TimeUnit.NANOSECONDS, trimmer).execute(this::trim);
        }
    }

    /** Retires the channels idle for {@code idleTime} beyond the floor, oldest first (the deque's tail). */
    void trim() {
        trimScheduled.set(false);
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        for (PooledChannel<A> oldest; idle.size() > ChannelPool.IDLE_FLOOR && (oldest = idle.peekLast()) != null; ) {
            if (now - oldest.idleSince() < idleTime.toNanos()) {
                break;
            }
            if (idle.removeLastOccurrence(oldest)) {
                retirer.retire(oldest);
            }
        }
        scheduleTrim();
    }
}
