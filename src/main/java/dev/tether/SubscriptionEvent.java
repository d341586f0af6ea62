package dev.tether;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One step in the life of a {@link Subscription}: delivered to {@link SubscriptionListener}s and, in
 * CDI, fired qualified {@code @Persistent(name)} with the connection's name:
 *
 * <pre>{@code
 * void on(@Observes @Persistent("orders") SubscriptionEvent.Failed failed) {
 *     log.warn(failed.queue() + ": " + failed.kind());
 * }
 * }</pre>
 */
public sealed interface SubscriptionEvent {

    /** @return the connection's name */
    String connectionName();

    /** @return the queue */
    String queue();

    /** @return when it happened */
    Instant at();

    /**
     * The broker accepted the consumer ({@code basic.consume-ok}); messages flow.
     *
     * @param connectionName the connection's name
     * @param queue the queue
     * @param at when
     * @param consumerTag the broker's tag for the consumer
     * @param attempt the attempts it took since the subscription last consumed, from 1
     */
    record Started(String connectionName, String queue, Instant at, String consumerTag, int attempt)
            implements SubscriptionEvent {
        public Started {
            Objects.requireNonNull(connectionName, "connectionName");
            Objects.requireNonNull(queue, "queue");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * A consuming subscription lost its consumer: the connection or the channel closed, or the broker
     * cancelled it. It is re-established (after the next {@code Connected}, or after the backoff).
     *
     * @param connectionName the connection's name
     * @param queue the queue
     * @param at when
     * @param cause why: the channel's shutdown signal, or {@code null} for a {@code basic.cancel}
     */
    record Lost(String connectionName, String queue, Instant at, Throwable cause) implements SubscriptionEvent {
        public Lost {
            Objects.requireNonNull(connectionName, "connectionName");
            Objects.requireNonNull(queue, "queue");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * An attempt to subscribe failed; the next one follows after {@code nextDelay} (the maximum
     * backoff delay for a {@linkplain FailureKind#misconfiguration() misconfiguration}).
     *
     * @param connectionName the connection's name
     * @param queue the queue
     * @param at when
     * @param cause what the attempt threw
     * @param kind its classification ({@link FailureKind#QUEUE_NOT_FOUND}, {@link FailureKind#ACCESS_REFUSED}, ...)
     * @param attempt the attempt's number since the subscription last consumed, from 1
     * @param nextDelay the delay before the next attempt
     */
    record Failed(String connectionName, String queue, Instant at, Throwable cause, FailureKind kind, int attempt,
            Duration nextDelay) implements SubscriptionEvent {
        public Failed {
            Objects.requireNonNull(connectionName, "connectionName");
            Objects.requireNonNull(queue, "queue");
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(nextDelay, "nextDelay");
        }

        @Override
        public String toString() {
            return "Failed[" + connectionName + ", " + queue + ", " + kind + ", attempt=" + attempt + ", next in "
                    + nextDelay.toMillis() + " ms: " + cause + "]";
        }
    }
}
