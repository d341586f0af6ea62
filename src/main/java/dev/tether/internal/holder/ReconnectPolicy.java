package dev.tether.internal.holder;

import dev.tether.Backoff;
import dev.tether.FailureKind;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Computes the delay before the next attempt. See {@link Backoff} for the rule; this class only
 * does the arithmetic, with an injected random source.
 */
final class ReconnectPolicy {

    private final RandomGenerator random;

    ReconnectPolicy(RandomGenerator random) {
        this.random = random;
    }

    /**
     * @param failures consecutive failed attempts so far, at least 1
     * @param kind how the last attempt failed
     * @param backoff the delays
     * @return the delay before the next attempt: never above the cap, never below {@code base × (1 − jitter)};
     *     at the cap, spread over {@code [cap × (1 − jitter), cap]}
     */
    Duration delayAfter(int failures, FailureKind kind, Backoff backoff) {
        double cap = backoff.max().toNanos();
        if (kind == FailureKind.REFUSED || kind == FailureKind.RESOURCE_LOCKED) {
            cap = Math.min(cap, backoff.refusedMax().toNanos());
        }
        double base = kind.misconfiguration()
                ? cap
                : Math.min(cap, backoff.initial().toNanos() * Math.pow(backoff.multiplier(), failures - 1));
        // Below the cap: ±jitter. At the cap: downward only, so that capped delays (misconfiguration,
        // refused connections, long outages) stay spread over [cap × (1 − jitter), cap] instead of
        // half of them landing exactly on the cap, in lockstep across a fleet.
        double jittered = base >= cap
                ? cap * (1 - backoff.jitter() * random.nextDouble())
                : Math.min(cap, base * (1 + backoff.jitter() * (2 * random.nextDouble() - 1)));
        return Duration.ofNanos((long) jittered);
    }
}
