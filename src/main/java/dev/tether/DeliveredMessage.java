package dev.tether;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A message handed to a {@link MessageHandler}: its body, properties and envelope, whether the broker
 * redelivered it, and how many times it was delivered before when the broker counts it
 * ({@code x-delivery-count}, set by quorum queues).
 *
 * <pre>{@code
 * consumers.subscribe("orders", message -> {
 *     if (message.redelivered()) log.info("again: " + message.properties().getMessageId());
 *     handle(new String(message.body(), StandardCharsets.UTF_8));
 * });
 * }</pre>
 *
 * <p>Immutable but for the body array, which is the client's own and must not be changed.
 * Thread-safe to read.
 */
public final class DeliveredMessage {

    /** The header in which quorum queues count a message's earlier deliveries. */
    public static final String DELIVERY_COUNT_HEADER = "x-delivery-count";

    private final String queue;
    private final Envelope envelope;
    private final AMQP.BasicProperties properties;
    private final byte[] body;

    /**
     * @param queue the queue it was consumed from
     * @param envelope the delivery's envelope
     * @param properties its properties
     * @param body its body
     */
    public DeliveredMessage(String queue, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
        this.queue = Objects.requireNonNull(queue, "queue");
        this.envelope = Objects.requireNonNull(envelope, "envelope");
        this.properties = properties == null ? new AMQP.BasicProperties() : properties;
        this.body = body == null ? new byte[0] : body;
    }

    /** @return the queue the message was consumed from */
    public String queue() {
        return queue;
    }

    /** @return the body (the client's array: do not change it) */
    public byte[] body() {
        return body;
    }

    /** @return the properties, never {@code null} */
    public AMQP.BasicProperties properties() {
        return properties;
    }

    /** @return the envelope: delivery tag (of the delivering channel), exchange, routing key, redelivered flag */
    public Envelope envelope() {
        return envelope;
    }

    /** @return whether the broker delivered this message before (to this consumer or another) */
    public boolean redelivered() {
        return envelope.isRedeliver();
    }

    /**
     * @return how many times the broker delivered this message before, from its {@code x-delivery-count}
     *     header (quorum queues count returned and requeued deliveries); empty when the broker does not count
     */
    public OptionalLong deliveryCount() {
        Map<String, Object> headers = properties.getHeaders();
        Object count = headers == null ? null : headers.get(DELIVERY_COUNT_HEADER);
        return count instanceof Number number ? OptionalLong.of(number.longValue()) : OptionalLong.empty();
    }

    @Override
    public String toString() {
        return "DeliveredMessage[" + queue + ", tag=" + envelope.getDeliveryTag() + ", redelivered="
                + envelope.isRedeliver() + ", " + body.length + " bytes]";
    }
}
