package dev.tether.internal.channels;

import dev.tether.internal.access.ConnectionAccess;
import dev.tether.ChannelSettings;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.ConnectionClosedException;
import dev.tether.internal.metrics.PoolStats;
import dev.tether.internal.threads.BackgroundThread;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Executor;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * A bounded pool of one holder's channels. A borrower holds one of {@code max} permits
 * ({@link Checkout}) from {@link #borrow()} to {@link #giveBack}; it waits for a connection without
 * a permit, and reads the connection again once it has one (a reconnect may have come meanwhile).
 * Idle channels wait in {@link IdleChannels} (LIFO; those idle for {@link #IDLE_TIME} beyond the
 * first {@link #IDLE_FLOOR} are retired); one whose connection is no longer the holder's, or that
 * closed, is retired instead of lent, and a channel that shuts down while idle removes itself. When
 * the broker's {@code channel_max} is reached, a borrow waits for a channel number within its
 * checkout timeout ({@link ChannelNumbers}). Retiring a channel closes it through the pool's
 * {@link Retirer}, on the {@link BackgroundThread} when the trimming timer does it. Closing the pool drops the idle channels without closing them
 * (the holder closes their connection) and wakes every waiting borrower.
 *
 * @param <A> what the preparer attaches to each new channel
 */
public final class ChannelPool<A> implements PoolStats {

    /** How many idle channels a pool keeps however long they are idle. */
    public static final int IDLE_FLOOR = 2;
    /** How long a channel above the {@link #IDLE_FLOOR} may stay idle before it is closed. */
    public static final Duration IDLE_TIME = Duration.ofMinutes(1);

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

    /** Closes a channel the pool lends no more: at once, or once the work still on it has settled. */
    @FunctionalInterface
    public interface Retirer<A> {
        /**
         * Never throws; may be called on a borrower's thread or the pool's {@link BackgroundThread},
         * never on the client's connection thread.
         *
         * @param channel the channel, never lent again
         */
        void retire(PooledChannel<A> channel);
    }

    private static final System.Logger LOG = System.getLogger("dev.tether");

    private final ConnectionAccess holder;
    private final String kind;
    private final Checkout checkout;
    private final Preparer<A> preparer;
    private final Retirer<A> retirer;
    private final LongConsumer borrowed;
    private final BackgroundThread ownTrimmer;
    private final IdleChannels<A> idle;
    private final ChannelNumbers numbers;
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean closed;

    /**
     * A pool that closes the channels it retires at once, and trims on its own background thread.
     *
     * @param holder the port to the holder whose connection the channels belong to
     * @param kind what the pool holds, for messages ({@code channel}, {@code confirm channel})
     * @param settings its size ({@code channels.max}) and checkout timeout, fixed for the pool's life
     * @param preparer readies each new channel
     * @param borrowed called on the borrower's thread with the wait of each borrow (for metrics)
     */
    public ChannelPool(ConnectionAccess holder, String kind, ChannelSettings settings, Preparer<A> preparer,
            LongConsumer borrowed) {
        this(holder, kind, settings, preparer, null, borrowed, null, IDLE_TIME);
    }

    /**
     * @param holder the port to the holder whose connection the channels belong to
     * @param kind what the pool holds, for messages ({@code channel}, {@code confirm channel})
     * @param settings its size ({@code channels.max}) and checkout timeout, fixed for the pool's life
     * @param preparer readies each new channel
     * @param retirer closes a channel the pool lends no more ({@code null}: closes it at once)
     * @param borrowed called on the borrower's thread with the wait of each borrow (for metrics)
     * @param background where idle channels are trimmed ({@code null}: a {@link BackgroundThread} of its own)
     * @param idleTime how long a channel above the floor may stay idle ({@link #IDLE_TIME})
     */
    public ChannelPool(ConnectionAccess holder, String kind, ChannelSettings settings, Preparer<A> preparer,
            Retirer<A> retirer, LongConsumer borrowed, Executor background, Duration idleTime) {
        this.holder = holder;
        this.kind = kind;
        this.checkout = new Checkout(holder.name(), kind, settings.max(), settings.checkoutTimeout());
        this.preparer = preparer;
        this.retirer = retirer != null ? retirer : lent -> closeQuietly(lent.channel());
        this.borrowed = borrowed;
        this.ownTrimmer = background != null ? null
                : new BackgroundThread("tether-" + holder.name() + "-" + kind.replace(' ', '-') + "s");
        this.idle = new IdleChannels<>(this.retirer, background != null ? background : ownTrimmer, idleTime);
        this.numbers = new ChannelNumbers(holder.name(), kind, settings.checkoutTimeout());
    }

    /**
     * Lends a channel of the holder's current connection; the caller must {@link #giveBack} it.
     *
     * @return the channel, open when lent
     * @throws dev.tether.NotConnectedException if no connection came within {@code await-timeout}
     * @throws dev.tether.CheckoutTimeoutException if no channel was free within {@code channels.checkout-timeout}
     * @throws ConnectionClosedException if the holder is or becomes closed, waiting borrowers included
     * @throws java.io.InterruptedIOException if interrupted while waiting (the interrupt flag is set again)
     * @throws IOException if a channel could not be opened
     */
    public PooledChannel<A> borrow() throws IOException {
        long start = System.nanoTime();
        long deadline = holder.deadline();
        Connection dead = null;
        while (true) {
            if (closed) {
                throw new ConnectionClosedException(holder.name());
            }
            holder.awaitOrFail(deadline, dead); // without a permit: those behind get their own connection error
            checkout.acquire();
            Connection connection = null;
            try {
                if (closed) {
                    throw new ConnectionClosedException(holder.name());
                }
                // Read again: a reconnect may have come while this borrower waited for its permit.
                connection = holder.currentOrDelivering().orElse(null);
                if (connection != null) {
                    PooledChannel<A> lent = reuseOrOpen(connection);
                    borrowed.accept(System.nanoTime() - start);
                    return lent;
                }
            } catch (IOException | ShutdownSignalException e) {
                if (!connectionLost(e)) {
                    checkout.release();
                    throw e instanceof IOException io ? io
                            : new IOException("Connection '" + holder.name() + "': could not open a " + kind, e);
                }
                dead = connection; // it died under us: wait for the next
            } catch (RuntimeException | Error e) {
                checkout.release();
                throw e;
            }
            checkout.release();
        }
    }

    /**
     * Takes a lent channel back: keeps it for the next borrower if {@code reusable}, still open and of
     * the current connection (or of the one being delivered to {@code Connected} listeners), else
     * retires it. Always frees the borrower's permit.
     *
     * @param lent the channel from {@link #borrow()}
     * @param reusable {@code false} when the work on it failed, or left it in a state no borrower expects
     */
    public void giveBack(PooledChannel<A> lent, boolean reusable) {
        try {
            if (reusable && !closed && lent.channel().isOpen()
                    && holder.currentOrDelivering().orElse(null) == lent.connection()) {
                idle.keep(lent);
            } else {
                retirer.retire(lent);
            }
        } finally {
            checkout.release();
        }
    }

    /** Closes the pool: waiting and later borrows fail, idle channels are dropped (their connection is being closed). */
    public void close() {
        closed = true;
        checkout.close();
        idle.close();
        if (ownTrimmer != null) {
            ownTrimmer.close();
        }
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
        for (PooledChannel<A> candidate; (candidate = idle.take()) != null; ) {
            if (candidate.connection() == connection && candidate.channel().isOpen()) {
                return candidate;
            }
            retirer.retire(candidate); // of an earlier connection, or closed: never lent
        }
        Channel channel = numbers.open(connection, () -> closed);
        try {
            PooledChannel<A> pooled = new PooledChannel<>(channel, connection, preparer.prepare(channel));
            open.incrementAndGet();
            channel.addShutdownListener(cause -> {
                if (pooled.markShutDown()) {
                    open.decrementAndGet();
                    idle.remove(pooled);
                    numbers.freed();
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
