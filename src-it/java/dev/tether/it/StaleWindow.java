package dev.tether.it;

import com.rabbitmq.client.Connection;
import dev.tether.PersistentConnection;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures how long a holder hands out a connection that is already closed: a background thread
 * samples {@link PersistentConnection#current()} every millisecond and times each stretch in which
 * it returns a connection whose {@link Connection#isOpen()} is false (the RabbitMQ client has
 * marked it closed, but the holder has not yet withdrawn it). During such a stretch {@code get()}
 * and {@code await()} return that dead connection instead of waiting for the next one.
 */
final class StaleWindow implements AutoCloseable {

    private static final Duration SAMPLE = Duration.ofMillis(1);

    private final PersistentConnection holder;
    private final Thread sampler;
    private volatile boolean running = true;
    // written by the sampler only; read after close() joined it
    private long staleSince = -1;
    private long firstStaleAt = -1;
    private long longestNanos;
    private int stretches;

    private StaleWindow(PersistentConnection holder) {
        this.holder = holder;
        this.sampler = new Thread(this::sample, "it-stale-window-" + holder.name());
        this.sampler.setDaemon(true);
    }

    /** Starts sampling {@code holder}. */
    static StaleWindow watch(PersistentConnection holder) {
        StaleWindow window = new StaleWindow(holder);
        window.sampler.start();
        return window;
    }

    private void sample() {
        while (running) {
            long now = System.nanoTime();
            Optional<Connection> current = holder.current();
            boolean stale = current.isPresent() && !current.get().isOpen();
            if (stale && staleSince < 0) {
                staleSince = now;
                if (firstStaleAt < 0) {
                    firstStaleAt = now;
                }
            } else if (!stale && staleSince >= 0) {
                end(now);
            }
            LockSupport.parkNanos(SAMPLE.toNanos()); // the sampling period
        }
        if (staleSince >= 0) {
            end(System.nanoTime());
        }
    }

    private void end(long now) {
        longestNanos = Math.max(longestNanos, now - staleSince);
        stretches++;
        staleSince = -1;
    }

    /** Stops sampling; the figures below are final after this. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.join(TimeUnit.SECONDS.toMillis(5));
    }

    /** @return the longest stretch during which {@code current()} returned a closed connection, in ms */
    long longestMillis() {
        return TimeUnit.NANOSECONDS.toMillis(longestNanos);
    }

    /**
     * The longest a holder may hand out a closed connection. Without the closure-signalling channel,
     * it is until the client calls its shutdown listeners: up to its shutdown timeout (seconds);
     * with it, about a millisecond. The bound leaves room for a loaded CI machine.
     */
    static final long LIMIT_MILLIS = 250;

    /** @return {@link #longestMillis()}, checked to be at most {@link #LIMIT_MILLIS} */
    long checkedLongestMillis() {
        long longest = longestMillis();
        if (longest > LIMIT_MILLIS) {
            throw new AssertionError("a closed connection was handed out for " + longest + " ms (limit "
                    + LIMIT_MILLIS + " ms) in " + stretches + " stretch(es)");
        }
        return longest;
    }

    /** @return how many such stretches were seen */
    int stretches() {
        return stretches;
    }

    /** @return the {@link System#nanoTime()} of the first closed connection seen, or -1 */
    long firstStaleAt() {
        return firstStaleAt;
    }
}
