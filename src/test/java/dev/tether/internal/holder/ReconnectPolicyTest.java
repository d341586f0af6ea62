package dev.tether.internal.holder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.Backoff;
import dev.tether.FailureKind;
import dev.tether.testing.FixedRandom;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {

    private static final Backoff BACKOFF = Backoff.DEFAULT; // 100ms, 30s, x2, 0.3, refused 1s

    @Test
    void withoutJitterTheDelayDoublesFromInitialUpToMax() {
        ReconnectPolicy policy = new ReconnectPolicy(new FixedRandom(0.5)); // 2r - 1 = 0: no jitter
        assertEquals(Duration.ofMillis(100), policy.delayAfter(1, FailureKind.TIMED_OUT, BACKOFF));
        assertEquals(Duration.ofMillis(200), policy.delayAfter(2, FailureKind.TIMED_OUT, BACKOFF));
        assertEquals(Duration.ofMillis(400), policy.delayAfter(3, FailureKind.TIMED_OUT, BACKOFF));
        assertEquals(Duration.ofMillis(25_600), policy.delayAfter(9, FailureKind.TIMED_OUT, BACKOFF));
        // at the cap the jitter goes downward only: 30s × (1 − 0.3 × 0.5)
        assertEquals(Duration.ofMillis(25_500), policy.delayAfter(10, FailureKind.TIMED_OUT, BACKOFF));
        assertEquals(Duration.ofMillis(25_500), policy.delayAfter(10_000, FailureKind.TIMED_OUT, BACKOFF));
    }

    @Test
    void jitterStaysWithinItsBoundsAndNeverExceedsTheCap() {
        ReconnectPolicy low = new ReconnectPolicy(new FixedRandom(0.0));
        ReconnectPolicy high = new ReconnectPolicy(new FixedRandom(0.999_999));
        assertEquals(Duration.ofMillis(70), low.delayAfter(1, FailureKind.TIMED_OUT, BACKOFF));
        assertEquals(129, high.delayAfter(1, FailureKind.TIMED_OUT, BACKOFF).toMillis());
        // at the cap the jitter only goes down: [30s × 0.7, 30s]
        assertEquals(Duration.ofSeconds(30), low.delayAfter(20, FailureKind.TIMED_OUT, BACKOFF));
        assertEquals(21_000, high.delayAfter(20, FailureKind.TIMED_OUT, BACKOFF).toMillis());

        ReconnectPolicy random = new ReconnectPolicy(new SplittableRandom(42));
        for (int failures = 1; failures < 30; failures++) {
            double base = Math.min(30_000, 100 * Math.pow(2, failures - 1));
            for (int i = 0; i < 200; i++) {
                long millis = random.delayAfter(failures, FailureKind.UNREACHABLE, BACKOFF).toMillis();
                assertTrue(millis >= (long) (base * 0.7) - 1 && millis <= Math.min(30_000, base * 1.3),
                        "delay " + millis + " ms after " + failures + " failures is outside base " + base + " ±30%");
            }
        }
    }

    @Test
    void aLockedExclusiveQueueIsRetriedAtRefusedMaxAtMostWhileOtherListenerFailuresGoOnToMax() {
        ReconnectPolicy low = new ReconnectPolicy(new FixedRandom(0.0));
        assertEquals(Duration.ofSeconds(1), low.delayAfter(12, FailureKind.RESOURCE_LOCKED, BACKOFF));
        assertEquals(Duration.ofSeconds(30), low.delayAfter(12, FailureKind.APPLICATION, BACKOFF));
        assertEquals(Duration.ofMillis(400), new ReconnectPolicy(new FixedRandom(0.5))
                .delayAfter(3, FailureKind.RESOURCE_LOCKED, BACKOFF), "below the cap, the normal curve");
    }

    @Test
    void refusedConnectionsAreCappedAtRefusedMax() {
        ReconnectPolicy high = new ReconnectPolicy(new FixedRandom(0.999_999));
        ReconnectPolicy low = new ReconnectPolicy(new FixedRandom(0.0));
        assertEquals(700, high.delayAfter(12, FailureKind.REFUSED, BACKOFF).toMillis());
        assertEquals(Duration.ofSeconds(1), low.delayAfter(12, FailureKind.REFUSED, BACKOFF));
        assertEquals(Duration.ofMillis(400), new ReconnectPolicy(new FixedRandom(0.5))
                .delayAfter(3, FailureKind.REFUSED, BACKOFF), "below the cap, refusals follow the normal curve");
        Backoff largeFleet = BACKOFF.withRefusedMax(Duration.ofSeconds(10));
        assertEquals(Duration.ofSeconds(10), low.delayAfter(12, FailureKind.REFUSED, largeFleet));
    }

    @Test
    void misconfigurationIsRetriedAtTheMaximumDelayFromTheFirstFailure() {
        for (FailureKind kind : new FailureKind[] {FailureKind.AUTHENTICATION, FailureKind.VIRTUAL_HOST, FailureKind.TLS}) {
            assertEquals(Duration.ofMillis(25_500), new ReconnectPolicy(new FixedRandom(0.5)).delayAfter(1, kind, BACKOFF));
            assertEquals(Duration.ofSeconds(30), new ReconnectPolicy(new FixedRandom(0.0)).delayAfter(1, kind, BACKOFF));
        }
    }

    @Test
    void aReachedBrokerLimitFollowsTheNormalCurveNotTheMaximumDelay() {
        ReconnectPolicy policy = new ReconnectPolicy(new FixedRandom(0.5)); // no jitter
        assertEquals(Duration.ofMillis(100), policy.delayAfter(1, FailureKind.CAPACITY, BACKOFF));
        assertEquals(Duration.ofMillis(800), policy.delayAfter(4, FailureKind.CAPACITY, BACKOFF));
        assertEquals(Duration.ofMillis(25_500), policy.delayAfter(20, FailureKind.CAPACITY, BACKOFF),
                "capped at max, like any transient failure");
        assertEquals(Duration.ofMillis(1_600), policy.delayAfter(5, FailureKind.CAPACITY, BACKOFF),
                "not at refused-max: a broker at its limit is not helped by retries every second");
    }

    @Test
    void cappedDelaysAreSpreadBelowTheCapNotPiledOnIt() {
        ReconnectPolicy random = new ReconnectPolicy(new SplittableRandom(3));
        int atCap = 0;
        for (int i = 0; i < 1000; i++) {
            long millis = random.delayAfter(1, FailureKind.AUTHENTICATION, BACKOFF).toMillis();
            assertTrue(millis >= 21_000 && millis <= 30_000, millis + " ms");
            atCap += millis == 30_000 ? 1 : 0;
        }
        assertTrue(atCap < 10, atCap + " of 1000 capped delays were exactly the cap: retries in lockstep");
    }

    @Test
    void aMultiplierOfOneGivesAConstantDelay() {
        Backoff constant = BACKOFF.withMultiplier(1).withJitter(0);
        ReconnectPolicy policy = new ReconnectPolicy(new SplittableRandom(1));
        for (int failures = 1; failures < 50; failures++) {
            assertEquals(Duration.ofMillis(100), policy.delayAfter(failures, FailureKind.TIMED_OUT, constant));
        }
    }
}
