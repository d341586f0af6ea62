package dev.tether;

import com.rabbitmq.client.AMQP;
import java.util.concurrent.CompletionStage;

/**
 * Publishes with publisher confirms on a connection's pooled confirm channels: a publish is done
 * once the broker has taken responsibility for the message ({@code basic.ack}).
 *
 * <pre>{@code
 * @Inject @Persistent("orders") Publisher publisher;    // or holder.publisher() in plain Java
 *
 * publisher.publish("", "orders", MessageProperties.PERSISTENT_BASIC, body);      // blocks until acked
 * publisher.publishAsync("orders", "eu", true, props, body)                        // mandatory
 *     .whenComplete((ok, failure) -> ...);                                         // a PublishException
 * }</pre>
 *
 * <p>Each publish borrows a confirm channel only while it sends; up to {@code publish.max-outstanding}
 * publishes (default 10,000) may await their confirm at once, tracked by sequence number,
 * {@code multiple} acks included. At that bound a publish waits up to {@code publish.confirm-timeout}
 * for room, then fails {@code NOT_SENT}; on the publisher's own thread or a Tether listener's it fails at
 * once instead. Sending blocks like {@link Channels}: while disconnected, up to {@code await-timeout}
 * for a connection, then up to {@code channels.checkout-timeout} for a confirm channel. A publish that is not confirmed fails with
 * a {@link PublishException} whose {@link PublishException.Reason reason} is {@code NOT_SENT},
 * {@code NACKED}, {@code RETURNED} (mandatory only), {@code TIMED_OUT} (after
 * {@code publish.confirm-timeout}), {@code CHANNEL_CLOSED}, {@code CONNECTION_LOST} or {@code CLOSED}. Every
 * publish ends, confirmed or failed, within those limits. Delivery is at-least-once: after any
 * reason but {@code NOT_SENT} the message may have arrived, and publishing it again may duplicate it.
 *
 * <p>A mandatory message carries the header {@value #SEQUENCE_HEADER}, which ties a
 * {@code basic.return} to its publish. The stages {@code publishAsync} returns complete on the
 * publisher's own thread, {@code tether-<name>-publish}, never on the RabbitMQ client's connection
 * thread: code there may publish again or use {@code Channels}; completions run one at a time, so
 * use the {@code *Async} variants of dependent actions for anything slow. A dependent attached to a
 * stage that has already completed runs on the attaching thread, as with any {@code CompletableFuture}. While the broker blocks
 * publishers (a memory or disk alarm), a publish waits up to {@code publish.confirm-timeout} before
 * sending, then fails {@code NOT_SENT}. All methods are thread-safe.
 */
public interface Publisher {

    /** The header that correlates a returned mandatory message with its publish. */
    String SEQUENCE_HEADER = "tether-publish-seq";

    /**
     * Publishes and waits for the broker's confirm.
     *
     * @param exchange the exchange ({@code ""}: the default exchange)
     * @param routingKey the routing key
     * @param props the properties, or {@code null}
     * @param body the body
     * @throws PublishException if the broker did not confirm, with the reason
     * @throws InterruptedException if the thread was interrupted; the message's fate is then unknown
     */
    void publish(String exchange, String routingKey, AMQP.BasicProperties props, byte[] body)
            throws PublishException, InterruptedException;

    /**
     * Publishes and waits for the broker's confirm; with {@code mandatory}, an unroutable message
     * fails with {@link PublishException.Reason#RETURNED}.
     *
     * @param exchange the exchange ({@code ""}: the default exchange)
     * @param routingKey the routing key
     * @param mandatory whether the broker must route the message to at least one queue
     * @param props the properties, or {@code null}
     * @param body the body
     * @throws PublishException if the broker did not confirm, with the reason
     * @throws InterruptedException if the thread was interrupted; the message's fate is then unknown
     *     (its outcome is still counted in the metrics)
     */
    void publish(String exchange, String routingKey, boolean mandatory, AMQP.BasicProperties props, byte[] body)
            throws PublishException, InterruptedException;

    /**
     * Publishes without waiting for the confirm (sending may block, see above).
     *
     * @param exchange the exchange ({@code ""}: the default exchange)
     * @param routingKey the routing key
     * @param props the properties, or {@code null}
     * @param body the body
     * @return a stage completed once acked, or exceptionally with a {@link PublishException}
     */
    CompletionStage<Void> publishAsync(String exchange, String routingKey, AMQP.BasicProperties props, byte[] body);

    /**
     * Publishes without waiting for the confirm (sending may block, see above).
     *
     * @param exchange the exchange ({@code ""}: the default exchange)
     * @param routingKey the routing key
     * @param mandatory whether the broker must route the message to at least one queue
     * @param props the properties, or {@code null}
     * @param body the body
     * @return a stage completed once acked, or exceptionally with a {@link PublishException}
     */
    CompletionStage<Void> publishAsync(String exchange, String routingKey, boolean mandatory,
            AMQP.BasicProperties props, byte[] body);
}
