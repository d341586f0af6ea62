package dev.tether.internal.consume;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.FailureKind;
import dev.tether.internal.connect.FailureClassifier;

/**
 * Classifies why a subscription could not consume: a channel closed by the broker by its reply code
 * (404 no queue, 403 refused, 405 locked exclusive queue, 541 a refused feature), anything else as a
 * connection failure ({@link FailureClassifier}).
 */
final class SubscribeFailures {

    private SubscribeFailures() {
    }

    static FailureKind classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ShutdownSignalException signal && signal.getReason() instanceof AMQP.Channel.Close close) {
                return switch (close.getReplyCode()) {
                    case AMQP.NOT_FOUND -> FailureKind.QUEUE_NOT_FOUND;
                    case AMQP.ACCESS_REFUSED -> FailureKind.ACCESS_REFUSED;
                    case AMQP.RESOURCE_LOCKED -> FailureKind.RESOURCE_LOCKED;
                    case AMQP.INTERNAL_ERROR -> FailureKind.DEPRECATED_FEATURE;
                    default -> FailureKind.UNKNOWN;
                };
            }
        }
        return FailureClassifier.classify(failure);
    }
}
