package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.ConnectionEvent;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.testing.Await;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.RabbitMq;
import dev.tether.testing.RabbitMqNode;
import dev.tether.testing.ThreadLeaks;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Soak: 1,000 reset/reconnect cycles through the fault proxy. Live threads do not grow, the heap
 * after a full GC stays within 5 % of what it was after a warm-up of 100 cycles, and the broker
 * never lists more than one connection for the name.
 *
 * <p>The listener only counts: keeping the events would keep every dead connection reachable and
 * grow the heap by itself.
 */
@ExtendWith(RabbitMq.class)
class ReconnectSoakIT {

    private static final int CYCLES = 1000;
    private static final int WARM_UP = 100;
    private static final int SAMPLE_EVERY = 100;
    private static final double HEAP_TOLERANCE = 0.05;
    private static final String NAME = "it-soak";
    private static final String CLIENT_NAME = "tether-" + NAME;
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String[] IGNORED_THREADS = {"fault-proxy", "ForkJoinPool"};

    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicInteger disconnected = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();

    @Test
    void aThousandResetsLeaveThreadsHeapAndBrokerConnectionsWhereTheyWere(RabbitMqNode node) throws Exception {
        Logger tether = Logger.getLogger("dev.tether");
        Level level = tether.getLevel();
        tether.setLevel(Level.SEVERE); // 2,000 loss and recovery lines would drown the output
        try (FaultProxy proxy = FaultProxy.start(node.port())) {
            ThreadLeaks.Baseline baseline = ThreadLeaks.baseline();
            int threadsBefore = liveThreads();
            PersistentConnection holder = PersistentConnection.builder(
                            ConnectionSettings.builder(NAME).uri(proxy.uri()).build())
                    .listener(this::count).build();
            try {
                soak(node, proxy, holder, threadsBefore);
            } finally {
                holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            Await.slowly("no broker connection named " + CLIENT_NAME + " after close", WAIT,
                    () -> named(node) == 0);
            baseline.awaitNoNewThreads(WAIT, IGNORED_THREADS);
        } finally {
            tether.setLevel(level);
        }
    }

    private void soak(RabbitMqNode node, FaultProxy proxy, PersistentConnection holder, int threadsBefore)
            throws Exception {
        holder.await(WAIT);
        long begin = System.nanoTime();
        long heapWarm = 0;
        int threadsWarm = 0;
        int maxListed = 0;
        int samples = 0;
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            int expected = cycle + 1;
            proxy.cut();
            Await.until("connection " + expected + " after cut " + expected, WAIT, () -> connected.get() >= expected);
            if (cycle == WARM_UP) {
                holder.await(WAIT);
                heapWarm = usedHeapAfterFullGc();
                threadsWarm = liveThreads();
            }
            if (cycle % SAMPLE_EVERY == 0) {
                int listed = named(node);
                samples++;
                maxListed = Math.max(maxListed, listed);
                assertTrue(listed <= 1, "the broker lists " + listed + " connections named " + CLIENT_NAME
                        + " after cycle " + cycle);
            }
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - begin);
        holder.await(WAIT);
        long heapEnd = usedHeapAfterFullGc();
        int warm = threadsWarm;
        Await.until("live threads back to " + warm + " (after the warm-up)", WAIT, () -> liveThreads() <= warm);
        int threadsEnd = liveThreads();

        assertEquals(CYCLES, disconnected.get(), "one loss per cut");
        assertEquals(CYCLES + 1, connected.get(), "one new connection per cut");
        assertEquals(0, failed.get(), "a reset never makes the next attempt fail");
        assertEquals(1, maxListed, "the broker listed the connection under its name");
        double growth = (heapEnd - heapWarm) / (double) heapWarm;
        assertTrue(growth <= HEAP_TOLERANCE, String.format(Locale.ROOT,
                "heap after full GC grew by %.1f %% (%d -> %d bytes) over %d cycles", growth * 100, heapWarm, heapEnd,
                CYCLES - WARM_UP));

        Survives.report("soak", "cycles", CYCLES, "duration_s", seconds,
                "threads_before", threadsBefore, "threads_after_warmup", threadsWarm, "threads_end", threadsEnd,
                "heap_after_warmup_kib", heapWarm / 1024, "heap_end_kib", heapEnd / 1024,
                "heap_growth_pct", String.format(Locale.ROOT, "%.1f", growth * 100),
                "broker_max_connections_per_name", maxListed, "broker_samples", samples,
                "failed_attempts", failed.get());
    }

    private void count(ConnectionEvent event) {
        if (event instanceof ConnectionEvent.Connected) {
            connected.incrementAndGet();
        } else if (event instanceof ConnectionEvent.Disconnected) {
            disconnected.incrementAndGet();
        } else if (event instanceof ConnectionEvent.ConnectFailed) {
            failed.incrementAndGet();
        }
    }

    private static int named(RabbitMqNode node) {
        return (int) node.connectionNames().stream().filter(CLIENT_NAME::equals).count();
    }

    /** Live threads, leaving out the proxy's (one pair per proxied connection) and the common pool's. */
    private static int liveThreads() {
        int count = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            boolean ignored = false;
            for (String prefix : IGNORED_THREADS) {
                ignored |= thread.getName().startsWith(prefix);
            }
            if (!ignored && thread.isAlive()) {
                count++;
            }
        }
        return count;
    }

    /** Used heap after three full collections (explicit GCs are full stop-the-world ones by default). */
    private static long usedHeapAfterFullGc() {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
