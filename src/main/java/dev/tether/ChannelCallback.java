package dev.tether;

import com.rabbitmq.client.Channel;
import java.io.IOException;

/**
 * A unit of work on a borrowed channel, for {@link Channels#run(ChannelCallback)}.
 *
 * <pre>{@code
 * channels.run(channel -> channel.queueDeclare("orders", true, false, false, null));
 * }</pre>
 */
@FunctionalInterface
public interface ChannelCallback {

    /**
     * Works with the channel. The channel is the caller's alone until this returns; it must not be
     * kept, closed or handed to another thread.
     *
     * @param channel the borrowed channel
     * @throws IOException as the channel's methods do; the channel is then closed, not returned
     */
    void run(Channel channel) throws IOException;
}
