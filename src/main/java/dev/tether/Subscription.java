package dev.tether;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * One queue consumed by a {@link MessageHandler}, for as long as the application wants it: re-established
 * after a connection loss, a channel-only loss (a 406 consumer timeout, a channel error) and a
 * {@code basic.cancel} from the broker (queue deleted, quorum leader moved), until {@link #cancel()}.
 *
 * <pre>{@code
 * Subscription orders = consumers.subscribe("orders", handler);
 * orders.pause();                                     // stops consuming; in-flight handlers finish
 * orders.resume();
 * orders.cancel().toCompletableFuture().join();       // done once in-flight handlers finished and were acked
 * }</pre>
 *
 * <p>All methods are thread-safe and never block; they may be called from a handler.
 */
public interface Subscription {

    /** Where a subscription is in its life. */
    enum State {
        /** Waiting for a connection, or for the next attempt to subscribe (after a failure or a loss). */
        WAITING,
        /** Subscribed: the broker delivers to it. */
        CONSUMING,
        /** Paused by the application: no consumer, until {@link Subscription#resume()}. */
        PAUSED,
        /** Cancelled by the application or by closing the connection: for good. */
        CANCELLED
    }

    /** @return the queue consumed */
    String queue();

    /** @return the state now; never blocks */
    State state();

    /** @return the options it was subscribed with */
    SubscriptionOptions options();

    /**
     * Why it does not consume now: the {@link SubscriptionEvent.Failed} or {@link SubscriptionEvent.Lost}
     * event since it last consumed (the latest of them). Empty while consuming, and before its first
     * attempt. Never blocks.
     *
     * @return the latest loss or failed attempt since the subscription last consumed
     */
    Optional<SubscriptionEvent> problem();

    /**
     * Stops consuming: the consumer is cancelled ({@code basic.cancel}), in-flight handlers finish and
     * are acked, messages fetched but not yet handled are returned to the queue. Stays paused across
     * reconnects. Does nothing unless consuming or waiting.
     */
    void pause();

    /** Consumes again after {@link #pause()}, at once when connected. Does nothing unless paused. */
    void resume();

    /**
     * Cancels for good: the consumer is cancelled, no new message is handed to the handler, messages
     * fetched but not yet handled go back to the queue, and in-flight handlers finish and are acked.
     * Idempotent; does not block.
     *
     * @return a stage completed once the in-flight handlers have finished and their acks were sent
     *     (never on the RabbitMQ client's connection thread); a handler must not wait for its own
     *     subscription's stage
     */
    CompletionStage<Void> cancel();
}
