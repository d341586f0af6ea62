package dev.tether.internal.holder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tether.ConnectionEvent.Disconnected;
import dev.tether.ConnectionState;
import dev.tether.ConnectionStatus;
import dev.tether.internal.threads.ManualScheduler;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.FixedRandom;
import dev.tether.testing.QpidBroker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What {@code status()} shows once a connection is lost, before the next attempt has an outcome. */
@ExtendWith(EmbeddedBroker.class)
class OutageStatusTest {

    private final ManualScheduler scheduler = new ManualScheduler();

    @Test
    void whenDisconnectedIsFiredTheStatusIsConnectingSinceTheLossWithNoAddress(QpidBroker broker) throws Exception {
        AtomicReference<ConnectionHolder> self = new AtomicReference<>();
        AtomicReference<ConnectionStatus> seen = new AtomicReference<>();
        try (FaultProxy proxy = FaultProxy.start(broker.port())) {
            ConnectionHolder holder = Holders.manual(HolderAccessTest.settings(proxy.uri()), scheduler,
                    new FixedRandom(0.5), null, event -> {
                        if (event instanceof Disconnected) {
                            seen.set(self.get().status());
                        }
                    });
            self.set(holder);
            holder.start();
            scheduler.runDue();
            assertEquals(ConnectionState.CONNECTED, holder.state());
            scheduler.advance(Duration.ofSeconds(7));

            proxy.cut();
            scheduler.awaitAndRunDue(Duration.ofSeconds(10));

            ConnectionStatus during = seen.get();
            assertEquals(ConnectionState.CONNECTING, during.state());
            assertEquals(scheduler.instant(), during.since(), "since the loss, not since the first connection");
            assertNull(during.address());
            assertEquals(0, during.attempts());
            holder.close();
            scheduler.runDue();
        }
    }
}
