package dev.tether;

import com.rabbitmq.client.Channel;
import java.io.IOException;

/**
 * A unit of work on a borrowed channel that returns a result, for {@link Channels#call(ChannelFunction)}.
 *
 * <pre>{@code
 * long ready = channels.call(channel -> channel.messageCount("orders"));
 * }</pre>
 *
 * @param <T> the result's type
 */
@FunctionalInterface
public interface ChannelFunction<T> {

    /**
     * Works with the channel. The channel is the caller's alone until this returns; it must not be
     * kept, closed or handed to another thread.
     *
     * @param channel the borrowed channel
     * @return the result
     * @throws IOException as the channel's methods do; the channel is then closed, not returned
     */
    T apply(Channel channel) throws IOException;
}
