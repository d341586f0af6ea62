package dev.tether.it;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what a consumer of integer ids (bodies {@code "0"}, {@code "1"}, ...) receives, across
 * every connection it is started on: the distinct ids, every delivery (so duplicates are
 * {@code deliveries() - seen().size()}), and how many times it was started. Manual acks; an ack
 * that fails because the connection is going is left to the broker's redelivery.
 */
final class IdConsumer {

    private final Set<Integer> seen = ConcurrentHashMap.newKeySet();
    private final AtomicLong deliveries = new AtomicLong();
    private final AtomicInteger started = new AtomicInteger();

    /**
     * Consumes {@code queue} on {@code channel} with manual acks.
     *
     * @param channel a new channel, typically opened in a {@code Connected} listener
     * @param queue the queue (declared already)
     * @param prefetch the {@code basic.qos} prefetch count
     * @throws IOException when the broker refuses
     */
    void start(Channel channel, String queue, int prefetch) throws IOException {
        channel.basicQos(prefetch);
        channel.basicConsume(queue, false, (tag, delivery) -> {
            deliveries.incrementAndGet();
            seen.add(Integer.parseInt(new String(delivery.getBody(), StandardCharsets.UTF_8)));
            try {
                channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
            } catch (IOException | ShutdownSignalException e) {
                // the connection is going: the broker delivers it again, counted as a duplicate
            }
        }, tag -> { });
        started.incrementAndGet();
    }

    /** @return the distinct ids received (a live view) */
    Set<Integer> seen() {
        return seen;
    }

    /** @return every delivery, duplicates included */
    long deliveries() {
        return deliveries.get();
    }

    /** @return how many times {@link #start} succeeded */
    int started() {
        return started.get();
    }

    /** Aborts {@code channel} if there is one, ignoring that it may be gone already. */
    static void abortQuietly(Channel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.abort();
        } catch (IOException | RuntimeException e) {
            // already gone
        }
    }
}
