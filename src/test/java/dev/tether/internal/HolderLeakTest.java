package dev.tether.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.ConnectionEvent.Connected;
import dev.tether.ConnectionSettings;
import dev.tether.testing.Await;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.QpidBroker;
import dev.tether.testing.ThreadLeaks;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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

            int maxOnBroker = 0;
            for (int cycle = 1; cycle <= CYCLES; cycle++) {
                proxy.cut();
                events.await(Connected.class, cycle + 1, Duration.ofSeconds(10));
                Await.until("one connection on the broker after cycle " + cycle, Duration.ofSeconds(5),
                        () -> broker.connectionCount() == 1);
                maxOnBroker = Math.max(maxOnBroker, broker.connectionCount());
            }
            assertEquals(1, maxOnBroker);
            assertEquals(CYCLES + 1, events.all(Connected.class).size());
            assertEquals(0, holder.waiterCount());

            holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
            Await.until("no connection on the broker", Duration.ofSeconds(5), () -> broker.connectionCount() == 0);
            baseline.awaitNoNewThreads(Duration.ofSeconds(10), "fault-proxy");
            assertTrue(ThreadLeaks.threadsStartingWith("tether-").isEmpty());
        }
    }
}
