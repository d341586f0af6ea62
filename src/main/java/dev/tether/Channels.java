package dev.tether;

import java.io.IOException;

/**
 * A connection's bounded pool of channels, lent for one unit of work at a time. Channels are opened
 * on demand, up to {@code channels.max}, kept open between borrowers, and belong to one connection:
 * after a reconnect no channel of the old connection is ever handed out. A channel is never lent to
 * two threads at once, and waiting borrowers are served first come, first served.
 *
 * <pre>{@code
 * @Inject @Persistent("orders") Channels channels;     // or holder.channels() in plain Java
 *
 * channels.run(channel -> channel.basicPublish("", "orders", null, body));
 * long ready = channels.call(channel -> channel.messageCount("orders"));
 * }</pre>
 *
 * <p>A borrow blocks: while disconnected, up to {@code await-timeout} for a connection, then up to
 * {@code channels.checkout-timeout} for a free channel. The callback runs on the caller's thread.
 * A channel is returned to the pool when the callback returns normally and the channel is still
 * open; a channel closed by the broker (a channel error such as 404 or 406) or whose callback threw
 * is dropped (closed), and the next borrower gets a new one. Do not start consumers, transactions
 * or confirm mode on a borrowed channel: for consumers use the connection, for confirms the
 * {@link Publisher}. Closing the holder closes the pool. All methods are thread-safe.
 */
public interface Channels {

    /**
     * Runs {@code callback} with a borrowed channel, then returns the channel.
     *
     * @param callback the work
     * @throws NotConnectedException if no connection came within {@code await-timeout}
     *     ({@link ConnectionClosedException} once the holder is closed)
     * @throws CheckoutTimeoutException if no channel was free within {@code channels.checkout-timeout}
     * @throws java.io.InterruptedIOException if the thread was interrupted while waiting (its flag is set again)
     * @throws IOException what the callback threw, or opening a channel failed
     */
    void run(ChannelCallback callback) throws IOException;

    /**
     * Calls {@code function} with a borrowed channel, then returns the channel.
     *
     * @param function the work
     * @param <T> the result's type
     * @return what {@code function} returned
     * @throws NotConnectedException if no connection came within {@code await-timeout}
     *     ({@link ConnectionClosedException} once the holder is closed)
     * @throws CheckoutTimeoutException if no channel was free within {@code channels.checkout-timeout}
     * @throws java.io.InterruptedIOException if the thread was interrupted while waiting (its flag is set again)
     * @throws IOException what the function threw, or opening a channel failed
     */
    <T> T call(ChannelFunction<T> function) throws IOException;
}
