package dev.tether.internal.holder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.ConnectionEvent.Connected;
import dev.tether.ConnectionSettings;
import dev.tether.testing.Await;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.QpidBroker;
import dev.tether.testing.ThreadLeaks;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class HolderLeakTest {

    private static final int CYCLES = 200;

    @Test
    void twoHundredConnectDropCyclesLeaveNoThreadAndAtMostOneBrokerConnection() throws Exception {
        try (QpidBroker broker = QpidBroker.start(); FaultProxy proxy = FaultProxy.start(broker.port())) {
            ThreadLeaks.Baseline baseline = ThreadLeaks.baseline();
            Recorder events = new Recorder();
            ConnectionSettings settings = ConnectionSettings.builder("cycles").uri(proxy.uri()).build();
            ConnectionHolder holder = Holders.real(settings, events);
            holder.await(Duration.ofSeconds(10));

            // Sampled all along, not only once settled: the broker may still count the cut
            // connection while the next one opens (2), never more.
            AtomicInteger maxOnBroker = new AtomicInteger();
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    maxOnBroker.accumulateAndGet(broker.connectionCount(), Math::max);
                    LockSupport.parkNanos(100_000);
                }
            }, "leak-sampler");
            sampler.start();
            try {
                for (int cycle = 1; cycle <= CYCLES; cycle++) {
                    proxy.cut();
                    events.await(Connected.class, cycle + 1, Duration.ofSeconds(10));
                    Await.until("one connection on the broker after cycle " + cycle, Duration.ofSeconds(5),
                            () -> broker.connectionCount() == 1);
                }
            } finally {
                sampling.set(false);
                sampler.join();
            }
            assertTrue(maxOnBroker.get() >= 1 && maxOnBroker.get() <= 2, "at most the cut one and its successor: "
                    + maxOnBroker.get());
            assertEquals(CYCLES + 1, events.all(Connected.class).size());
            assertEquals(0, holder.waiterCount());

            holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
            Await.until("no connection on the broker", Duration.ofSeconds(5), () -> broker.connectionCount() == 0);
            // the embedded broker grows its own pools under the sampling; the client's and Tether's threads must end
            baseline.awaitNoNewThreads(Duration.ofSeconds(10), "fault-proxy", "ForkJoinPool", "virtualhost-", "broker-");
            // its own threads only (tether-cycles, -cycles-calls, ...): other test classes in this JVM may
            // still be ending theirs, which their own tests check
            assertEquals(List.of(), ThreadLeaks.threadsStartingWith("tether-cycles"), "this holder's threads left");
        }
    }
}
