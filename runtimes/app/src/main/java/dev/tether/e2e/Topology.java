package dev.tether.e2e;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.tether.ConnectionEvent.Connected;
import dev.tether.Persistent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Declares each connection's queue on every new connection, through the injected proxies (not the
 * event's connection): the way most users write it first. During a {@code Connected} delivery the
 * proxy acts on the connection being delivered, so this neither waits nor deadlocks.
 */
@ApplicationScoped
public class Topology {

    @Inject
    @Persistent
    Connection connection;

    @Inject
    @Persistent("audit")
    Connection audit;

    void declareDefault(@Observes @Persistent Connected connected) throws IOException, TimeoutException {
        declare(connection, Queues.DEFAULT);
        declare(connection, Queues.LAST_WORDS);
        declare(connection, Queues.CONSUMED);
    }

    void declareAudit(@Observes @Persistent("audit") Connected connected) throws IOException, TimeoutException {
        declare(audit, Queues.AUDIT);
    }

    private static void declare(Connection on, String queue) throws IOException, TimeoutException {
        try (Channel channel = on.createChannel()) {
            // durable: RabbitMQ 4.3 denies non-durable, non-exclusive queues (transient_nonexcl_queues)
            channel.queueDeclare(queue, true, false, false, null);
        }
    }
}
