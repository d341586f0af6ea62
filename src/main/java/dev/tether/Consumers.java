package dev.tether;

import java.util.List;

/**
 * A connection's managed consumers: subscriptions that never silently stop. Each subscription has its
 * own channel with a per-consumer prefetch ({@code basic.qos(prefetch, false)}, never global) and is
 * re-established, with its own backoff, after a connection loss (once the {@code Connected} listeners
 * have run, so the topology they declare is there), a channel-only loss and a {@code basic.cancel}
 * from the broker. A subscription that fails (a missing queue, a refused permission) never rejects
 * the connection and never stops publishing: it is retried on its own and reported as a
 * {@link SubscriptionEvent.Failed}.
 *
 * <pre>{@code
 * @Inject @Persistent("orders") Consumers consumers;      // or holder.consumers() in plain Java
 *
 * Subscription subscription = consumers.subscribe("orders", message -> orders.handle(message.body()));
 * }</pre>
 *
 * <p>Threads: subscribing, resubscribing and cancelling run on the connection's consumer thread
 * ({@code tether-<name>-consumers}); handlers run on Tether's handler threads
 * ({@code tether-<name>-handler-<n>}), never on the RabbitMQ client's threads; see
 * {@link MessageHandler}. Closing the holder cancels every consumer, lets in-flight handlers finish
 * within {@code consumers.drain-timeout} and acks them, then closes the connection. All methods are
 * thread-safe and never block.
 */
public interface Consumers {

    /**
     * Subscribes to a queue with the connection's default options; see {@link #subscribe(String,
     * SubscriptionOptions, MessageHandler)}.
     *
     * @param queue the queue (it must exist, or be declared by a {@code Connected} listener)
     * @param handler called for each message
     * @return the subscription, already trying to consume
     * @throws IllegalStateException if the holder is closed
     */
    default Subscription subscribe(String queue, MessageHandler handler) {
        return subscribe(queue, SubscriptionOptions.defaults(), handler);
    }

    /**
     * Subscribes to a queue. Does not block: the subscription consumes as soon as there is a
     * connection (at once when connected), and its {@link SubscriptionEvent.Started} event is
     * delivered from the consumer thread. A queue that does not exist yet is retried until it does.
     *
     * @param queue the queue
     * @param options prefetch, concurrency, redelivery limit, consumer arguments
     * @param handler called for each message
     * @return the subscription
     * @throws IllegalStateException if the holder is closed
     * @throws NullPointerException if an argument is {@code null}
     */
    Subscription subscribe(String queue, SubscriptionOptions options, MessageHandler handler);

    /**
     * @return the subscriptions not cancelled, in the order they were made (a copy; never blocks)
     */
    List<Subscription> subscriptions();
}
