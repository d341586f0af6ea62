package dev.tether.internal.channels;

import dev.tether.internal.access.ConnectionAccess;
import dev.tether.ChannelSettings;
import dev.tether.ChannelCallback;
import dev.tether.ChannelFunction;
import dev.tether.Channels;
import dev.tether.internal.metrics.Recorder;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.Objects;

/**
 * The {@link Channels} of one holder: lends a channel of its {@link ChannelPool} for each callback
 * and takes it back whatever happens, dropping it when the callback threw. The callback gets a
 * {@link GuardedChannel}: {@code txSelect}, {@code basicConsume} and {@code confirmSelect} are
 * refused with an {@link IllegalStateException}, so no channel goes back to the pool in a mode later
 * borrowers do not expect.
 */
public final class PooledChannels implements Channels {

    private final String name;
    private final ChannelPool<Channel> pool;

    /**
     * @param holder the port to the holder whose connection the channels belong to
     * @param settings the pool's size ({@code channels.max}) and checkout timeout
     * @param recorder observes the pool and its borrow waits
     */
    public PooledChannels(ConnectionAccess holder, ChannelSettings settings, Recorder recorder) {
        this.name = holder.name();
        this.pool = new ChannelPool<>(holder, "channel", settings, channel -> GuardedChannel.of(channel, holder.name()),
                waitNanos -> recorder.borrowed(Recorder.CHANNELS, waitNanos));
        recorder.observe(Recorder.CHANNELS, pool);
    }

    @Override
    public void run(ChannelCallback callback) throws IOException {
        Objects.requireNonNull(callback, "callback");
        call(channel -> {
            callback.run(channel);
            return null;
        });
    }

    @Override
    public <T> T call(ChannelFunction<T> function) throws IOException {
        Objects.requireNonNull(function, "function");
        PooledChannel<Channel> lent = pool.borrow();
        boolean completed = false;
        try {
            T result = function.apply(lent.attachment());
            completed = true;
            return result;
        } finally {
            pool.giveBack(lent, completed);
        }
    }

    /** Closes the pool (the holder is closing). */
    public void close() {
        pool.close();
    }

    /** @return the pool, for tests */
    ChannelPool<Channel> pool() {
        return pool;
    }

    @Override
    public String toString() {
        return "Channels[" + name + ", " + pool.lent() + " of " + pool.max() + " lent, " + pool.idle() + " idle]";
    }
}
