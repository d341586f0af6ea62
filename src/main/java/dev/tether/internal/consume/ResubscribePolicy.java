package dev.tether.internal.consume;

import dev.tether.Backoff;
import dev.tether.FailureKind;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * The delay before a subscription's next attempt, from the connection's {@link Backoff}: a
 * misconfiguration (403, 541) waits the maximum delay; a locked exclusive queue (405) is retried at
 * most every {@code backoff.refused-max}; anything else (404 included) backs off exponentially with
 * jitter.
 */
final class ResubscribePolicy {

    private final RandomGenerator random;

    ResubscribePolicy(RandomGenerator random) {
        this.random = random;
    }

    /**
     * @param backoff the connection's backoff now
     * @param kind why the last attempt failed
     * @param attempt the failed attempt's number, from 1
     * @return the delay before the next attempt
     */
    Duration delay(Backoff backoff, FailureKind kind, int attempt) {
        if (kind.misconfiguration()) {
            return backoff.max();
        }
        double nanos = backoff.initial().toNanos() * Math.pow(backoff.multiplier(), Math.max(0, attempt - 1));
        double capped = Math.min(nanos, backoff.max().toNanos());
        if (kind == FailureKind.RESOURCE_LOCKED) {
            capped = Math.min(capped, backoff.refusedMax().toNanos());
        }
        double jittered = capped * (1 + backoff.jitter() * (2 * random.nextDouble() - 1));
        return Duration.ofNanos((long) Math.max(0, Math.min(jittered, backoff.max().toNanos())));
    }
}
