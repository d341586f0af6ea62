package dev.tether.testing;

import java.util.random.RandomGenerator;

/**
 * A random source that always gives the same double, and keeps lists in order when shuffling
 * ({@code nextInt(bound)} returns {@code bound - 1}, which makes Fisher-Yates swap nothing).
 */
public final class FixedRandom implements RandomGenerator {

    private volatile double value;

    public FixedRandom(double value) {
        this.value = value;
    }

    public void set(double value) {
        this.value = value;
    }

    @Override
    public long nextLong() {
        return (long) (value * Long.MAX_VALUE);
    }

    @Override
    public double nextDouble() {
        return value;
    }

    @Override
    public int nextInt(int bound) {
        return bound - 1;
    }
}
