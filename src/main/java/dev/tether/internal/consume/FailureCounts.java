package dev.tether.internal.consume;

import dev.tether.DeliveredMessage;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many times a message's handler failed, for the redelivery limit: the broker's
 * {@code x-delivery-count} where it counts (quorum queues); else a count kept here, by message id (or
 * by content without one), reset when the broker delivers the message for the first time. Bounded:
 * the least recently failed messages are forgotten first.
 */
final class FailureCounts {

    private static final int MOST = 10_000;

    private final Map<String, Integer> counts = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > MOST;
        }
    };

    /**
     * Records a failure of {@code message}'s handler.
     *
     * @return how many times its handler has failed, this time included
     */
    synchronized long failed(DeliveredMessage message) {
        if (message.deliveryCount().isPresent()) {
            return message.deliveryCount().getAsLong() + 1;
        }
        String key = key(message);
        int failures = message.redelivered() ? counts.getOrDefault(key, 0) + 1 : 1;
        counts.put(key, failures);
        return failures;
    }

    /** Forgets a message that was settled for good. */
    synchronized void forget(DeliveredMessage message) {
        if (!counts.isEmpty()) {
            counts.remove(key(message));
        }
    }

    private static String key(DeliveredMessage message) {
        String id = message.properties().getMessageId();
        if (id != null) {
            return "id:" + message.queue() + '\0' + id;
        }
        return "content:" + message.queue() + '\0' + message.envelope().getExchange() + '\0'
                + message.envelope().getRoutingKey() + '\0' + message.body().length + '\0' + Arrays.hashCode(message.body());
    }
}
