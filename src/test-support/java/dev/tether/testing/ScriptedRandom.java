package dev.tether.testing;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.random.RandomGenerator;

/**
 * A random source whose {@code nextInt(bound)} gives the scripted values in turn, so a test decides
 * each step of a Fisher-Yates shuffle (from the last position down: step {@code i} swaps position
 * {@code i} with the scripted one). Once the script is used up, it swaps nothing.
 */
public final class ScriptedRandom implements RandomGenerator {

    private final Deque<Integer> picks = new ArrayDeque<>();

    public ScriptedRandom(int... picks) {
        for (int pick : picks) {
            this.picks.add(pick);
        }
    }

    @Override
    public int nextInt(int bound) {
        Integer pick = picks.poll();
        if (pick != null && pick >= bound) {
            throw new AssertionError("scripted " + pick + " for a bound of " + bound);
        }
        return pick == null ? bound - 1 : pick;
    }

    @Override
    public long nextLong() {
        throw new UnsupportedOperationException("only nextInt(bound) is scripted");
    }
}
