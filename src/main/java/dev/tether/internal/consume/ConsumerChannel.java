package dev.tether.internal.consume;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.DeliveredMessage;
import java.util.concurrent.CompletableFuture;

/**
 * One channel of a {@link ManagedSubscription} and the consumer on it. Its deliveries are settled on
 * this channel only: once it is closed, an ack for one of them is dropped (and counted), never sent on
 * a later channel. Called by the RabbitMQ client on its consumer thread; hands everything to its
 * subscription at once.
 *
 * <p>{@code stopped} and {@code inFlight} are guarded by the subscription's lock.
 */
final class ConsumerChannel extends DefaultConsumer {

    private final ManagedSubscription owner;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    boolean stopped;
    int inFlight;
    volatile String tag;
    volatile boolean closedByUs;

    ConsumerChannel(ManagedSubscription owner, Channel channel) {
        super(channel);
        this.owner = owner;
    }

    @Override
    public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
        owner.delivered(this, new DeliveredMessage(owner.queue(), envelope, properties, body));
    }

    @Override
    public void handleCancel(String consumerTag) {
        owner.cancelledByBroker(this);
    }

    @Override
    public void handleShutdownSignal(String consumerTag, ShutdownSignalException signal) {
        if (!closedByUs) {
            owner.channelLost(this, signal);
        }
    }

    /** @return completed once stopped and no handler of its deliveries runs any more */
    CompletableFuture<Void> drained() {
        return drained;
    }

    @Override
    public String toString() {
        return "ConsumerChannel[" + owner.queue() + ", " + getChannel() + ", tag=" + tag + "]";
    }
}
