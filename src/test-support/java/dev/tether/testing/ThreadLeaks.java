package dev.tether.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds threads left behind by code under test.
 *
 * <p>Two styles: {@link #awaitNone(String, Duration)} asserts that no live thread has a name
 * starting with a prefix (for code whose threads are named, such as {@code fault-proxy} or a
 * Tether prefix); {@link #baseline()} snapshots the live threads so that a test can later assert
 * that every thread started since then has ended ({@link Baseline#awaitNoNewThreads}) or that the
 * live thread count is back to the baseline ({@link Baseline#awaitCountAtMost}).
 * All assertions poll with {@link Await}, because threads end asynchronously.
 */
public final class ThreadLeaks {

    private ThreadLeaks() {
    }

    /** Returns the names of all live threads, sorted; duplicates collapse into one entry. */
    public static Set<String> liveThreadNames() {
        Set<String> names = new TreeSet<>();
        for (Thread t : liveThreads()) {
            names.add(t.getName());
        }
        return names;
    }

    /** Returns the names of the live threads whose name starts with {@code prefix}. */
    public static List<String> threadsStartingWith(String prefix) {
        List<String> names = new ArrayList<>();
        for (Thread t : liveThreads()) {
            if (t.getName().startsWith(prefix)) {
                names.add(t.getName());
            }
        }
        return names;
    }

    /**
     * Asserts that within {@code deadline} no live thread has a name starting with {@code prefix}.
     *
     * @throws AssertionError naming the remaining threads if some are still alive at the deadline
     */
    public static void awaitNone(String prefix, Duration deadline) {
        try {
            Await.until("no live thread named '" + prefix + "*'", deadline,
                    () -> threadsStartingWith(prefix).isEmpty());
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; still alive: " + threadsStartingWith(prefix), e);
        }
    }

    /** Snapshots the threads alive now. */
    public static Baseline baseline() {
        return new Baseline(liveThreads());
    }

    private static List<Thread> liveThreads() {
        Thread[] threads = new Thread[Thread.activeCount() + 16];
        int n;
        while ((n = Thread.enumerate(threads)) == threads.length) {
            threads = new Thread[threads.length * 2];
        }
        List<Thread> alive = new ArrayList<>(n);
        for (Thread t : Arrays.asList(threads).subList(0, n)) {
            if (t.isAlive()) {
                alive.add(t);
            }
        }
        return alive;
    }

    /** The threads that were alive when {@link ThreadLeaks#baseline()} was called. */
    public static final class Baseline {
        private final Set<Thread> threads;

        private Baseline(List<Thread> threads) {
            this.threads = new HashSet<>(threads);
        }

        /** Number of threads alive at the snapshot. */
        public int count() {
            return threads.size();
        }

        /**
         * Names of threads alive now that were not alive at the snapshot, leaving out those whose
         * name starts with one of {@code ignoredPrefixes} (e.g. threads of an embedded broker that
         * are created lazily and live as long as the broker).
         */
        public List<String> newThreads(String... ignoredPrefixes) {
            List<String> names = new ArrayList<>();
            for (Thread t : liveThreads()) {
                if (!threads.contains(t) && !ignored(t.getName(), ignoredPrefixes)) {
                    names.add(t.getName());
                }
            }
            return names;
        }

        /**
         * Asserts that within {@code deadline} every thread started since the snapshot has ended,
         * except those whose name starts with one of {@code ignoredPrefixes}.
         */
        public void awaitNoNewThreads(Duration deadline, String... ignoredPrefixes) {
            try {
                Await.until("threads started since the baseline to end", deadline,
                        () -> newThreads(ignoredPrefixes).isEmpty());
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; still alive: " + newThreads(ignoredPrefixes), e);
            }
        }

        /** Asserts that within {@code deadline} the live thread count drops to the baseline count or below. */
        public void awaitCountAtMost(Duration deadline) {
            try {
                Await.until("live thread count to return to " + count(), deadline,
                        () -> liveThreads().size() <= count());
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; new threads: " + newThreads(), e);
            }
        }

        private static boolean ignored(String name, String[] prefixes) {
            for (String p : prefixes) {
                if (name.startsWith(p)) {
                    return true;
                }
            }
            return false;
        }
    }
}
