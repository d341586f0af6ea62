package dev.tether.internal.channels;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A channel of the pool, the connection it belongs to and what the pool's user attached to it
 * (e.g. a confirm tracker). Compared by identity.
 *
 * @param <A> the attachment's type
 */
public final class PooledChannel<A> {

    private final Channel channel;
    private final Connection connection;
    private final A attachment;
    private final AtomicBoolean shutDown = new AtomicBoolean();
    private volatile long idleSince;

    PooledChannel(Channel channel, Connection connection, A attachment) {
        this.channel = channel;
        this.connection = connection;
        this.attachment = attachment;
    }

    /** @return the channel */
    public Channel channel() {
        return channel;
    }

    /** @return the connection the channel belongs to */
    public Connection connection() {
        return connection;
    }

    /** @return what the pool's preparer attached, or {@code null} */
    public A attachment() {
        return attachment;
    }

    /** @return whether this call was the first to record the channel's shutdown (the client may notify twice) */
    boolean markShutDown() {
        return shutDown.compareAndSet(false, true);
    }

    /** @return when the channel was last given back ({@link System#nanoTime()}) */
    long idleSince() {
        return idleSince;
    }

    void idleSince(long nanoTime) {
        idleSince = nanoTime;
    }

    @Override
    public String toString() {
        return "PooledChannel[" + channel.getChannelNumber() + "]";
    }
}
