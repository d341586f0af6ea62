package dev.tether.internal.channels;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.tether.internal.values.Durations;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Opening a pool's channels within the broker's {@code channel_max}. While the connection has no
 * channel number left ({@code createChannel()} returns {@code null}), an open waits for one of the
 * pool's channels to close ({@link #freed()}), or tries again every 50 ms (another pool's or the
 * application's may close), within the checkout timeout, then fails naming the broker's limit.
 */
final class ChannelNumbers {

    /** How often an open that found no channel number left tries again, at most. */
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final String name;
    private final String kind;
    private final Duration timeout;
    private final Object freed = new Object();

    /**
     * @param name the connection's name, for messages
     * @param kind what the pool holds, for messages
     * @param timeout how long an open waits for a channel number ({@code channels.checkout-timeout})
     */
    ChannelNumbers(String name, String kind, Duration timeout) {
        this.name = name;
        this.kind = kind;
        this.timeout = timeout;
    }

    /**
     * Opens a channel on {@code connection}, waiting for a channel number if none is left.
     *
     * @param closed whether the pool closed meanwhile (the wait then ends)
     * @return the channel
     * @throws IOException if no number came within the timeout, the pool or connection closed meanwhile,
     *         or the client failed to open it
     * @throws InterruptedIOException if interrupted while waiting (the interrupt flag is set again)
     */
    Channel open(Connection connection, BooleanSupplier closed) throws IOException {
        long until = System.nanoTime() + timeout.toNanos();
        while (true) {
            Channel channel = connection.createChannel();
            if (channel != null) {
                return channel;
            }
            long left = until - System.nanoTime();
            if (left <= 0 || closed.getAsBoolean() || !connection.isOpen()) {
                throw new IOException("Connection '" + name + "': no channel number left for a " + kind
                        + " within " + Durations.format(timeout) + " (the broker's channel_max is "
                        + connection.getChannelMax() + ")");
            }
            try {
                synchronized (freed) {
                    TimeUnit.NANOSECONDS.timedWait(freed, Math.min(left, RETRY_NANOS));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while waiting for a channel number of connection '"
                        + name + "'");
            }
        }
    }

    /** One of the pool's channels closed: wakes the opens waiting for a number. */
    void freed() {
        synchronized (freed) {
            freed.notifyAll();
        }
    }
}
