package dev.tether;

import dev.tether.internal.values.Check;
import java.time.Duration;

/**
 * How long to wait between connection attempts.
 *
 * <p>After the {@code n}-th consecutive failed attempt (from 0) the next waits
 * {@code min(max, initial × multiplier^n)}, randomized by ±{@code jitter} and never above the cap.
 * The cap is {@code max}, or {@code refusedMax} when every address refused the TCP connection (a
 * refusal costs the broker nothing, so a broker that comes back is found quickly), and also after a
 * {@link FailureKind#RESOURCE_LOCKED} (an exclusive queue the broker frees at a moment of its own,
 * found soon after). Misconfiguration
 * failures (authentication, virtual host, TLS trust) wait {@code max}, less the jitter. The first
 * attempt after an established connection dies starts at once.
 *
 * @param initial the delay after the first failure ({@code backoff.initial}, default 100 ms)
 * @param max the largest delay ({@code backoff.max}, default 30 s)
 * @param multiplier growth per failure, at least 1 ({@code backoff.multiplier}, default 2)
 * @param jitter relative randomization in [0, 1) ({@code backoff.jitter}, default 0.3)
 * @param refusedMax the cap while connections are refused ({@code backoff.refused-max}, default 1 s)
 */
public record Backoff(Duration initial, Duration max, double multiplier, double jitter, Duration refusedMax) {

    /** The longest delay any of the durations may be: one day. */
    public static final Duration LONGEST = Duration.ofDays(1);

    /** The defaults: 100 ms, 30 s, ×2, ±30 %, 1 s while refused. */
    public static final Backoff DEFAULT =
            new Backoff(Setting.BACKOFF_INITIAL.defaultValue(), Setting.BACKOFF_MAX.defaultValue(),
                    Setting.BACKOFF_MULTIPLIER.defaultValue(), Setting.BACKOFF_JITTER.defaultValue(),
                    Setting.BACKOFF_REFUSED_MAX.defaultValue());

    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException naming the setting, for a non-positive duration or one longer
     *     than {@link #LONGEST}, {@code max} below {@code initial}, a multiplier below 1 or a jitter outside [0, 1)
     */
    public Backoff {
        Setting.BACKOFF_INITIAL.check(initial);
        Setting.BACKOFF_MAX.check(max);
        Setting.BACKOFF_REFUSED_MAX.check(refusedMax);
        if (max.compareTo(initial) < 0) {
            throw Check.invalid("backoff.max", "must not be below backoff.initial");
        }
        Setting.BACKOFF_MULTIPLIER.check(multiplier);
        Setting.BACKOFF_JITTER.check(jitter);
    }

    /** @return a copy with another initial delay */
    public Backoff withInitial(Duration value) {
        return new Backoff(value, max, multiplier, jitter, refusedMax);
    }

    /** @return a copy with another maximum delay */
    public Backoff withMax(Duration value) {
        return new Backoff(initial, value, multiplier, jitter, refusedMax);
    }

    /** @return a copy with another multiplier */
    public Backoff withMultiplier(double value) {
        return new Backoff(initial, max, value, jitter, refusedMax);
    }

    /** @return a copy with another jitter */
    public Backoff withJitter(double value) {
        return new Backoff(initial, max, multiplier, value, refusedMax);
    }

    /** @return a copy with another cap while connections are refused */
    public Backoff withRefusedMax(Duration value) {
        return new Backoff(initial, max, multiplier, jitter, value);
    }
}
