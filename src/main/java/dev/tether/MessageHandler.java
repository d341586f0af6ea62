package dev.tether;

/**
 * Handles one message of a {@link Subscription}. Returning normally acknowledges the message; throwing
 * follows the error policy: the message is requeued while it has been delivered at most
 * {@link SubscriptionOptions#redeliveryLimit()} times before, then rejected without requeue (to the
 * queue's dead-letter exchange when it has one), so a poison message never loops forever.
 *
 * <pre>{@code
 * consumers.subscribe("orders", message -> {
 *     Order order = Order.parse(message.body());     // throws: requeued, then dead-lettered
 *     repository.save(order);
 * });                                                // returns: acked
 * }</pre>
 *
 * <p>Threads: called on one of Tether's handler threads ({@code tether-<name>-handler-<n>}), never on
 * the RabbitMQ client's connection thread, with at most {@link SubscriptionOptions#concurrency()}
 * calls of one subscription at once. It may block and may call Tether back (publish, subscribe,
 * cancel its own subscription), but must not wait for its own subscription's {@code cancel()} stage,
 * which completes only once this call has returned. The acknowledgement is sent on the channel that
 * delivered the message; when that channel is gone (a reconnect while the handler ran), it is
 * dropped and the broker redelivers the message: delivery is at-least-once.
 */
@FunctionalInterface
public interface MessageHandler {

    /**
     * Handles a message.
     *
     * @param message the message
     * @throws Exception to have the message requeued (or rejected once over the redelivery limit)
     */
    void handle(DeliveredMessage message) throws Exception;
}
