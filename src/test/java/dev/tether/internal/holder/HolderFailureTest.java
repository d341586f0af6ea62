package dev.tether.internal.holder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.ConnectionSettings;
import dev.tether.FailureKind;
import dev.tether.NotConnectedException;
import dev.tether.internal.threads.ManualScheduler;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.FixedRandom;
import dev.tether.testing.QpidBroker;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedBroker.class)
class HolderFailureTest {

    private static final String SECRET = "Wr0ng-Pa55word-42";

    private final ManualScheduler scheduler = new ManualScheduler();
    private final Recorder events = new Recorder();

    @Test
    void aBlackHoledHandshakeFailsAfterTheConnectionTimeout(QpidBroker broker) {
        try (FaultProxy proxy = FaultProxy.start(broker.port())) {
            proxy.blackHole(true);
            ConnectionSettings settings = ConnectionSettings.builder().uri(proxy.uri())
                    .connectionTimeout(Duration.ofMillis(400)).build();
            ConnectionHolder holder = Holders.manual(settings, scheduler, new FixedRandom(0.5), null, events);
            holder.start();
            long start = System.nanoTime();
            scheduler.runDue();
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

            ConnectFailed failed = events.last(ConnectFailed.class);
            assertEquals(FailureKind.TIMED_OUT, failed.kind(), failed.toString());
            assertTrue(elapsedMillis >= 400, "gave up after " + elapsedMillis + " ms, before the timeout");
            assertEquals(Duration.ofMillis(100), failed.nextDelay(), "a time-out uses the normal backoff");
            holder.close();
            scheduler.runDue();
        }
    }

    @Test
    void aWrongPasswordIsMisconfigurationRetriedAtTheMaximumDelayAndNeverShown(QpidBroker broker) {
        ConnectionSettings settings = ConnectionSettings.builder().uri(broker.uri()).password(SECRET).build();
        ConnectionHolder holder = Holders.manual(settings, scheduler, new FixedRandom(0.5), null, events);
        holder.start();
        scheduler.runDue();

        ConnectFailed failed = events.last(ConnectFailed.class);
        assertEquals(FailureKind.AUTHENTICATION, failed.kind(), failed.toString());
        assertTrue(failed.kind().misconfiguration());
        assertEquals(Duration.ofMillis(25_500), failed.nextDelay(), "the maximum, less the jitter (random 0.5)");
        scheduler.advanceToNext();
        assertEquals(Duration.ofMillis(25_500), events.last(ConnectFailed.class).nextDelay());

        String shown = events.events() + " " + holder.status() + " " + holder.settings() + " "
                + new NotConnectedException("default", failed).getMessage();
        assertFalse(shown.contains(SECRET), shown);
        holder.close();
        scheduler.runDue();
    }

    @Test
    void anUnknownVirtualHostIsMisconfiguration(QpidBroker broker) {
        ConnectionSettings settings = ConnectionSettings.builder().uri(broker.uri()).virtualHost("no-such-vhost").build();
        ConnectionHolder holder = Holders.manual(settings, scheduler, new FixedRandom(0.5), null, events);
        holder.start();
        scheduler.runDue();
        ConnectFailed failed = events.last(ConnectFailed.class);
        assertEquals(FailureKind.VIRTUAL_HOST, failed.kind(), failed.toString());
        holder.close();
        scheduler.runDue();
    }
}
