package dev.tether.sample;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import dev.tether.ConnectionEvent;
import dev.tether.Persistent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Consumes the sample queue on every connection. Channels and consumers die with their
 * connection, and Tether switches the RabbitMQ client's own recovery off, so the consumer is
 * started again in a {@code Connected} observer: it runs on the first connection and on every
 * later one, before anyone else can use the new connection. If it throws, Tether rejects that
 * connection and tries again.
 */
@ApplicationScoped
public class MessageConsumer {

    private static final Logger LOG = Logger.getLogger(MessageConsumer.class.getName());

    /** How many consumed messages are kept. */
    static final int CAPACITY = 100;

    private final Deque<String> consumed = new ArrayDeque<>(CAPACITY);
    private final String queue;
    private final int prefetch;

    /**
     * @param queue the durable queue to declare and consume
     * @param prefetch unacknowledged messages the broker may send ahead
     */
    @Inject
    public MessageConsumer(@ConfigProperty(name = "sample.queue", defaultValue = "tether.sample") String queue,
            @ConfigProperty(name = "sample.prefetch", defaultValue = "20") int prefetch) {
        this.queue = queue;
        this.prefetch = prefetch;
    }

    /** For the container's client proxy only. */
    protected MessageConsumer() {
        this(null, 0);
    }

    /**
     * Declares the queue and starts a consumer (manual acknowledgement) on a new channel of the
     * connection that just came up. Runs on the holder's thread.
     *
     * @param connected the {@code default} connection's new connection
     * @throws IOException if the broker refuses; the connection is then rejected and retried
     */
    void start(@Observes @Persistent ConnectionEvent.Connected connected) throws IOException {
        Channel channel = connected.connection().createChannel();
        if (channel == null) {
            throw new IOException("the broker allows no more channels");
        }
        channel.queueDeclare(queue, true, false, false, null);
        channel.basicQos(prefetch);
        channel.basicConsume(queue, false, (tag, delivery) -> handle(channel, delivery),
                tag -> LOG.warning("The broker cancelled the consumer of '" + queue + "' (queue deleted?)"));
        LOG.info("Consuming '" + queue + "' on " + connected.address());
    }

    /** Runs on the RabbitMQ client's consumer thread. */
    private void handle(Channel channel, Delivery delivery) throws IOException {
        String text = new String(delivery.getBody(), StandardCharsets.UTF_8);
        synchronized (consumed) {
            if (consumed.size() == CAPACITY) {
                consumed.removeFirst();
            }
            consumed.addLast(text);
        }
        try {
            channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
        } catch (IOException e) {
            // Unacknowledged, the broker redelivers it on the next connection.
            LOG.log(Level.WARNING, "Could not acknowledge a message of '" + queue + "'", e);
        }
    }

    /** @return the texts consumed, oldest first, at most {@value #CAPACITY} */
    public List<String> consumed() {
        synchronized (consumed) {
            return List.copyOf(consumed);
        }
    }
}
