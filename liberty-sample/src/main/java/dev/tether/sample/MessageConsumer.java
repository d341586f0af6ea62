package dev.tether.sample;

import dev.tether.Consumers;
import dev.tether.DeliveredMessage;
import dev.tether.Persistent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Consumes the sample queue through the {@code default} connection's {@link Consumers}, subscribed
 * once at startup. Tether does the rest: the subscription waits for the first connection (the broker
 * may be down at startup), subscribes after {@link SampleTopology} declared the queue, is
 * re-established after every connection or channel loss, acks each message when the handler returns
 * (prefetch: {@code tether.consumers.prefetch}), and at shutdown is cancelled and drained before the
 * connection closes.
 */
@ApplicationScoped
public class MessageConsumer {

    private static final Logger LOG = Logger.getLogger(MessageConsumer.class.getName());

    /** How many consumed messages are kept. */
    static final int CAPACITY = 100;

    private final Deque<String> consumed = new ArrayDeque<>(CAPACITY);
    private final Consumers consumers;
    private final String queue;

    /**
     * @param consumers the {@code default} connection's managed consumers
     * @param queue the queue to consume
     */
    @Inject
    public MessageConsumer(@Persistent Consumers consumers,
            @ConfigProperty(name = "sample.queue", defaultValue = "tether.sample") String queue) {
        this.consumers = consumers;
        this.queue = queue;
    }

    /** For the container's client proxy only. */
    protected MessageConsumer() {
        this(null, null);
    }

    void subscribe(@Observes Startup startup) {
        consumers.subscribe(queue, this::handle);
        LOG.info("Subscribed to '" + queue + "'");
    }

    /** Runs on one of Tether's handler threads; returning acks the message. */
    private void handle(DeliveredMessage message) {
        String text = new String(message.body(), StandardCharsets.UTF_8);
        synchronized (consumed) {
            if (consumed.size() == CAPACITY) {
                consumed.removeFirst();
            }
            consumed.addLast(text);
        }
    }

    /** @return the texts consumed, oldest first, at most {@value #CAPACITY} */
    public List<String> consumed() {
        synchronized (consumed) {
            return List.copyOf(consumed);
        }
    }
}
