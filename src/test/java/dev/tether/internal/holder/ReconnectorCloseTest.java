package dev.tether.internal.holder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.ConnectionSettings;
import dev.tether.internal.connect.Sources;
import dev.tether.internal.threads.ManualScheduler;
import dev.tether.testing.Await;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.FixedRandom;
import dev.tether.testing.QpidBroker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Closing races the state machine: a handshake that completes after close, a scheduler already gone. */
class ReconnectorCloseTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final Recorder events = new Recorder();

    @Test
    void aConnectionWhoseHandshakeEndsAfterCloseIsClosedNotPublished() throws Exception {
        try (QpidBroker broker = QpidBroker.start(); FaultProxy proxy = FaultProxy.start(broker.port())) {
            proxy.delayHandshake(Duration.ofMillis(300));
            ConnectionSettings settings = HolderAccessTest.settings(proxy.uri());
            HolderState state = new HolderState(settings, scheduler.instant());
            Reconnector reconnector = reconnector(state);
            reconnector.start();
            CompletableFuture<Void> attempt = CompletableFuture.runAsync(scheduler::runDue);
            Await.until("the attempt to reach the proxy", Duration.ofSeconds(5),
                    () -> proxy.acceptedConnections() == 1);

            state.close(scheduler.instant()); // closed while the handshake is under way, its socket left alone
            attempt.get(10, TimeUnit.SECONDS);

            assertEquals(List.of("Connecting"), events.names(), "no Connected for a closed holder");
            assertTrue(state.current().isEmpty());
            Await.until("the late connection closed on the broker", Duration.ofSeconds(5),
                    () -> broker.connectionCount() == 0);
            reconnector.close();
            scheduler.runDue();
        }
    }

    @Test
    void closeCompletesEvenWhenTheSchedulerAcceptsNoMoreTasks() {
        HolderState state = new HolderState(ConnectionSettings.builder().build(), scheduler.instant());
        Reconnector reconnector = reconnector(state);
        scheduler.shutdown();
        state.close(scheduler.instant());

        CompletableFuture<Void> finished = reconnector.close();

        assertTrue(finished.isDone(), "nothing left to run the close: it is finished");
        assertTrue(reconnector.closeFinished().isDone());
        assertEquals(List.of(), events.names(), "no Closed event: no thread to deliver it");
    }

    private Reconnector reconnector(HolderState state) {
        return new Reconnector(state, new Sources(null, null, null), new EventDispatcher(List.of(events)), scheduler, scheduler,
                new FixedRandom(0.5), null);
    }
}
