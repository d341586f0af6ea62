package dev.tether.internal.consume;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.DeliveredMessage;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * One channel of a {@link ManagedSubscription} and the consumer on it. Its deliveries are settled on
 * this channel only: once it is closed, an ack for one of them is dropped (and counted), never sent on
 * a later channel. Called by the RabbitMQ client on its consumer thread; hands everything to its
 * subscription at once.
 *
 * <p>{@code stopped} and {@code inFlight} are guarded by the lock of its subscription's {@link Deliveries}.
 */
final class ConsumerChannel extends DefaultConsumer {

    private final ManagedSubscription owner;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    boolean stopped;
    int inFlight;
    volatile String tag;
    volatile boolean closedByUs;

    private ConsumerChannel(ManagedSubscription owner, Channel channel) {
        super(channel);
        this.owner = owner;
    }

    /**
     * Opens a channel on {@code connection}, sets its prefetch (per consumer: RabbitMQ 4.3 denies
     * global QoS) and consumes from the owner's queue with manual acks; closes the channel if any step fails.
     *
     * @throws IOException if a step fails, or the broker's {@code channel_max} is reached
     */
    static ConsumerChannel open(ManagedSubscription owner, String name, Connection connection, int prefetch,
            Map<String, Object> arguments) throws IOException {
        Channel channel = connection.createChannel();
        if (channel == null) {
            throw new IOException("no channel left on connection '" + name + "' (channel_max reached)");
        }
        ConsumerChannel consumer = new ConsumerChannel(owner, channel);
        try {
            channel.basicQos(prefetch, false);
            consumer.tag = channel.basicConsume(owner.queue(), false, "", false, false, arguments, consumer);
            return consumer;
        } catch (IOException | RuntimeException | StackOverflowError e) {
            consumer.closedByUs = true;
            consumer.close();
            throw e;
        }
    }

    /** Closes the channel if open; its unsettled messages go back to the queue. */
    void close() {
        Channel channel = getChannel();
        if (channel.isOpen()) {
            try {
                channel.close();
            } catch (IOException | TimeoutException | RuntimeException ignored) {
                // closed meanwhile, or the connection is going: its messages go back to the queue either way
            }
        }
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
