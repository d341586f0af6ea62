package dev.tether.internal.channels;

import dev.tether.internal.access.ConnectionAccess;
import dev.tether.ChannelSettings;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.ConnectionClosedException;
import dev.tether.internal.metrics.PoolStats;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * A bounded pool of one holder's channels. A borrower holds one of {@code max} permits
 * ({@link Checkout}) from {@link #borrow()} to {@link #giveBack}. Idle channels wait in a LIFO deque; one whose connection is
 * no longer the holder's, or that closed, is discarded instead of lent, and a channel that shuts
 * down while idle removes itself. Closing the pool drops the idle channels without closing them
 * (the holder closes their connection).
 *
 * @param <A> what the preparer attaches to each new channel
 */
public final class ChannelPool<A> implements PoolStats {

    /** Readies a new channel for the pool's use; what it returns travels with the channel. */
    @FunctionalInterface
    public interface Preparer<A> {
        /**
         * @param channel a channel just opened
         * @return the attachment, or {@code null}
         * @throws IOException if the channel cannot be readied (it is then closed)
         */
        A prepare(Channel channel) throws IOException;
    }

    private static final System.Logger LOG = System.getLogger("dev.tether");

    private final ConnectionAccess holder;
    private final String kind;
    private final Checkout checkout;
    private final Preparer<A> preparer;
    private final LongConsumer borrowed;
    private final Deque<PooledChannel<A>> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean closed;

    /**
     * A pool telling {@code borrowed} how long each successful borrow took, in nanoseconds.
     *
     * @param holder the port to the holder whose connection the channels belong to
     * @param kind what the pool holds, for messages ({@code channel}, {@code confirm channel})
     * @param settings its size ({@code channels.max}) and checkout timeout, fixed for the pool's life
     * @param preparer readies each new channel
     * @param borrowed called on the borrower's thread with the wait of each borrow (for metrics)
     */
    public ChannelPool(ConnectionAccess holder, String kind, ChannelSettings settings, Preparer<A> preparer,
            LongConsumer borrowed) {
        this.holder = holder;
        this.kind = kind;
        this.checkout = new Checkout(holder.name(), kind, settings.max(), settings.checkoutTimeout());
        this.preparer = preparer;
        this.borrowed = borrowed;
    }

    /**
     * Lends a channel of the holder's current connection; the caller must {@link #giveBack} it.
     *
     * @return the channel, open when lent
     * @throws dev.tether.NotConnectedException if no connection came within {@code await-timeout}
     * @throws dev.tether.CheckoutTimeoutException if no channel was free within {@code channels.checkout-timeout}
     * @throws java.io.InterruptedIOException if interrupted while waiting (the interrupt flag is set again)
     * @throws IOException if a channel could not be opened
     */
    public PooledChannel<A> borrow() throws IOException {
        long start = System.nanoTime();
        long deadline = holder.deadline();
        Connection connection = holder.awaitOrFail(deadline, null);
        checkout.acquire();
        try {
            while (true) {
                if (closed) {
                    throw new ConnectionClosedException(holder.name());
                }
                try {
                    PooledChannel<A> lent = reuseOrOpen(connection);
                    borrowed.accept(System.nanoTime() - start);
                    return lent;
                } catch (IOException | ShutdownSignalException e) {
                    if (!connectionLost(e)) {
                        throw e instanceof IOException io ? io
                                : new IOException("Connection '" + holder.name() + "': could not open a " + kind, e);
                    }
                    connection = holder.awaitOrFail(deadline, connection); // it died under us: wait for the next
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            checkout.release();
            throw e;
        }
    }

    /**
     * Takes a lent channel back: keeps it for the next borrower if {@code reusable}, still open and of
     * the current connection, else closes it. Always frees the borrower's permit.
     *
     * @param lent the channel from {@link #borrow()}
     * @param reusable {@code false} when the work on it failed
     */
    public void giveBack(PooledChannel<A> lent, boolean reusable) {
        try {
            if (reusable && !closed && lent.channel().isOpen()
                    && holder.current().orElse(null) == lent.connection()) {
                idle.offerFirst(lent);
                if (closed && idle.remove(lent)) { // close() ran meanwhile and may have missed it
                    discard(lent);
                }
            } else {
                discard(lent);
            }
        } finally {
            checkout.release();
        }
    }

    /** Closes the pool: later borrows fail, idle channels are dropped (their connection is being closed). */
    public void close() {
        closed = true;
        idle.clear();
    }

    /** @return the pool's size ({@code channels.max}) */
    @Override
    public int max() {
        return checkout.max();
    }

    /** @return how many channels are lent now */
    @Override
    public int lent() {
        return checkout.lent();
    }

    /** @return how many borrowers wait for a free channel now (an estimate) */
    @Override
    public int waiting() {
        return checkout.waiting();
    }

    /** @return how many channels wait idle in the pool */
    @Override
    public int idle() {
        return idle.size();
    }

    /** @return how many of the pool's channels are open, lent or idle */
    public int open() {
        return open.get();
    }

    private PooledChannel<A> reuseOrOpen(Connection connection) throws IOException {
        for (PooledChannel<A> candidate; (candidate = idle.pollFirst()) != null; ) {
            if (candidate.connection() == connection && candidate.channel().isOpen()) {
                return candidate;
            }
            discard(candidate); // of an earlier connection, or closed: never lent
        }
        Channel channel = connection.createChannel();
        if (channel == null) {
            throw new IOException("Connection '" + holder.name() + "': no channel number left (channel_max "
                    + connection.getChannelMax() + ")");
        }
        try {
            PooledChannel<A> pooled = new PooledChannel<>(channel, connection, preparer.prepare(channel));
            open.incrementAndGet();
            channel.addShutdownListener(cause -> {
                if (pooled.markShutDown()) {
                    open.decrementAndGet();
                    idle.remove(pooled);
                }
            });
            return pooled;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** @return whether opening a channel failed because its connection closed ({@code createChannel} wraps it) */
    private static boolean connectionLost(Exception e) {
        Throwable signal = e instanceof ShutdownSignalException ? e : e.getCause();
        return signal instanceof ShutdownSignalException lost && lost.isHardError();
    }

    private void discard(PooledChannel<A> channel) {
        closeQuietly(channel.channel());
    }

    private void closeQuietly(Channel channel) {
        if (!channel.isOpen()) {
            return;
        }
        try {
            channel.close();
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            LOG.log(Level.DEBUG, () -> "Connection '" + holder.name() + "': closing a " + kind + " failed: " + e);
        }
    }
}
