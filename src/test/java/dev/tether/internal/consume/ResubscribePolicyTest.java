package dev.tether.internal.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.AMQImpl;
import dev.tether.Backoff;
import dev.tether.FailureKind;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** How a failed subscribe is classified, and how long the next attempt waits. */
class ResubscribePolicyTest {

    private static final Backoff BACKOFF = Backoff.DEFAULT.withInitial(Duration.ofMillis(100))
            .withMax(Duration.ofSeconds(30)).withMultiplier(2).withJitter(0).withRefusedMax(Duration.ofSeconds(1));
    private final ResubscribePolicy policy = new ResubscribePolicy(RandomGenerator.getDefault());

    private static IOException channelClosed(int code, String text) {
        ShutdownSignalException signal = new ShutdownSignalException(false, false,
                new AMQImpl.Channel.Close(code, text, 60, 20), null);
        return new IOException(signal);
    }

    @Test
    void channelRepliesAreClassifiedByCode() {
        assertEquals(FailureKind.QUEUE_NOT_FOUND, SubscribeFailures.classify(channelClosed(AMQP.NOT_FOUND, "NOT_FOUND - no queue 'q'")));
        assertEquals(FailureKind.ACCESS_REFUSED, SubscribeFailures.classify(channelClosed(AMQP.ACCESS_REFUSED, "ACCESS_REFUSED")));
        assertEquals(FailureKind.RESOURCE_LOCKED, SubscribeFailures.classify(channelClosed(AMQP.RESOURCE_LOCKED, "RESOURCE_LOCKED")));
        assertEquals(FailureKind.DEPRECATED_FEATURE, SubscribeFailures.classify(channelClosed(AMQP.INTERNAL_ERROR,
                "INTERNAL_ERROR - Feature `global_qos` is deprecated")));
        assertEquals(FailureKind.UNKNOWN, SubscribeFailures.classify(channelClosed(AMQP.PRECONDITION_FAILED, "consumer timeout")));
        assertEquals(FailureKind.REFUSED, SubscribeFailures.classify(new ConnectException("Connection refused")));
    }

    @Test
    void misconfigurationWaitsTheMaximumDelay() {
        assertEquals(Duration.ofSeconds(30), policy.delay(BACKOFF, FailureKind.ACCESS_REFUSED, 1));
        assertEquals(Duration.ofSeconds(30), policy.delay(BACKOFF, FailureKind.DEPRECATED_FEATURE, 1));
    }

    @Test
    void aMissingQueueBacksOffExponentiallyUpToTheMaximum() {
        assertEquals(Duration.ofMillis(100), policy.delay(BACKOFF, FailureKind.QUEUE_NOT_FOUND, 1));
        assertEquals(Duration.ofMillis(800), policy.delay(BACKOFF, FailureKind.QUEUE_NOT_FOUND, 4));
        assertEquals(Duration.ofSeconds(30), policy.delay(BACKOFF, FailureKind.QUEUE_NOT_FOUND, 20));
    }

    @Test
    void aLockedExclusiveQueueIsRetriedAtMostEveryRefusedMax() {
        assertEquals(Duration.ofMillis(100), policy.delay(BACKOFF, FailureKind.RESOURCE_LOCKED, 1));
        assertEquals(Duration.ofSeconds(1), policy.delay(BACKOFF, FailureKind.RESOURCE_LOCKED, 10));
    }

    @Test
    void jitterStaysWithinItsShare() {
        Backoff jittered = BACKOFF.withJitter(0.3);
        for (int i = 0; i < 100; i++) {
            long millis = policy.delay(jittered, FailureKind.QUEUE_NOT_FOUND, 3).toMillis();
            org.junit.jupiter.api.Assertions.assertTrue(millis >= 280 && millis <= 520, "delay " + millis);
        }
    }
}
