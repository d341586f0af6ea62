package dev.tether.sample;

import com.rabbitmq.client.Channel;
import dev.tether.ConnectionEvent;
import dev.tether.Persistent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Declares the sample's durable queue on every new connection of the {@code default} connection: the
 * observer runs on the first connection and every later one, before anyone else can use it (the
 * publisher's mandatory messages and {@link MessageConsumer}'s subscription find the queue there).
 * If it throws, Tether rejects that connection and tries again.
 */
@ApplicationScoped
public class SampleTopology {

    private final String queue;

    /** @param queue the durable queue to declare */
    @Inject
    public SampleTopology(@ConfigProperty(name = "sample.queue", defaultValue = "tether.sample") String queue) {
        this.queue = queue;
    }

    /** For the container's client proxy only. */
    protected SampleTopology() {
        this(null);
    }

    void declare(@Observes @Persistent ConnectionEvent.Connected connected) throws IOException, TimeoutException {
        Channel channel = connected.connection().createChannel();
        if (channel == null) {
            throw new IOException("the broker allows no more channels");
        }
        try (channel) {
            // durable: RabbitMQ 4.3 denies non-durable, non-exclusive queues (transient_nonexcl_queues)
            channel.queueDeclare(queue, true, false, false, null);
        }
    }
}
