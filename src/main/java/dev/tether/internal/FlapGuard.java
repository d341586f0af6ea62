package dev.tether.internal;

import dev.tether.Backoff;
import dev.tether.FailureKind;
import java.time.Duration;

/**
 * Keeps a connection that keeps dying right after it is established from becoming a reconnect
 * loop with no delay. The first attempt after a loss starts at once; but when connections in a
 * row live less than {@link #SHORT_LIVED} (a broker limit that closes every new connection, a
 * {@code Connected} observer whose topology makes the broker close it), the second and later
 * retries wait the normal backoff, growing as for failed attempts. A connection that lived longer
 * starts the count again.
 */
final class FlapGuard {

    /** A connection lost sooner than this after it was established counts as a flap. */
    static final Duration SHORT_LIVED = Duration.ofSeconds(1);

    private final ReconnectPolicy policy;
    private int flaps;

    FlapGuard(ReconnectPolicy policy) {
        this.policy = policy;
    }

    /**
     * @param lived how long the lost connection was established
     * @param backoff the delays
     * @return the delay before the first attempt after this loss
     */
    Duration delayAfterLoss(Duration lived, Backoff backoff) {
        if (lived.compareTo(SHORT_LIVED) >= 0) {
            flaps = 0;
            return Duration.ZERO;
        }
        Duration delay = flaps == 0 ? Duration.ZERO : policy.delayAfter(flaps, FailureKind.UNKNOWN, backoff);
        flaps++;
        return delay;
    }

    /** @return how many connections in a row were lost soon after they were established */
    int flaps() {
        return flaps;
    }
}
