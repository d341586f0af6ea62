package dev.tether.internal.holder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Connection;
import dev.tether.ConnectionEvent.Disconnected;
import dev.tether.ConnectionState;
import dev.tether.internal.connect.Sources;
import dev.tether.internal.threads.ManualScheduler;
import dev.tether.testing.Await;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.FixedRandom;
import dev.tether.testing.QpidBroker;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How the state machine learns that its connection closed: the watch that lets readers trust the
 * published connection, its end on closure, and a caller's notice of a closed connection.
 */
@ExtendWith(EmbeddedBroker.class)
class ClosureSignalTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final ManualScheduler scheduler = new ManualScheduler();
    private final Recorder events = new Recorder();
    private HolderState state;
    private Reconnector reconnector;

    private void connect(QpidBroker broker) {
        state = new HolderState(HolderAccessTest.settings(broker.uri()), scheduler.instant());
        reconnector = new Reconnector(state, new Sources(null, null, null), new EventDispatcher(List.of(events)), scheduler, scheduler,
                new FixedRandom(0.5), null);
        reconnector.start();
        scheduler.runDue();
        assertEquals(ConnectionState.CONNECTED, state.status().state(), () -> "events: " + events.names());
    }

    @AfterEach
    void close() {
        if (state != null) {
            state.current().ifPresent(c -> c.abort(1000));
            state.close(scheduler.instant());
            reconnector.close();
            scheduler.runDue();
        }
    }

    @Test
    void thePublishedConnectionIsWatchedSoReadersNeedNotAskTheClient(QpidBroker broker) {
        connect(broker);
        Optional<Connection> published = state.current();
        assertTrue(published.isPresent());
        assertTrue(state.isWatched(published), "the closure-signalling channel watches it");
    }

    @Test
    void theWatchEndsAsSoonAsTheConnectionCloses(QpidBroker broker) throws Exception {
        connect(broker);
        Optional<Connection> published = state.current();

        published.get().close();

        Await.until("the watch to end", DEADLINE, () -> !state.isWatched(published));
        assertTrue(state.current().isEmpty(), "withdrawn on the closing thread");
    }

    @Test
    void aConnectionTheApplicationClosesItselfIsReportedAsApplicationInitiatedAndReplaced(QpidBroker broker)
            throws Exception {
        connect(broker);
        Connection first = state.current().orElseThrow();

        first.close();
        scheduler.awaitAndRunDue(DEADLINE);

        Disconnected lost = events.last(Disconnected.class);
        assertTrue(lost.applicationInitiated(), lost.toString());
        assertEquals(ConnectionState.CONNECTED, state.status().state());
        assertNotSame(first, state.current().orElseThrow());
    }

    @Test
    void callersNoticingTheClosureTooStillGiveOneRecovery(QpidBroker broker) throws Exception {
        connect(broker);
        Optional<Connection> published = state.current();
        java.util.concurrent.CountDownLatch clientNotified = new java.util.concurrent.CountDownLatch(1);
        published.get().addShutdownListener(cause -> clientNotified.countDown()); // after the holder's own

        published.get().abort(1000);
        reconnector.noticedClosed(published);
        reconnector.noticedClosed(published); // a second caller noticing the same closure

        assertTrue(state.current().isEmpty(), "withdrawn at once");
        assertTrue(clientNotified.await(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(1, scheduler.queued(), "one task for the loss, however many notices");
        scheduler.runDue();
        assertEquals(List.of("Connecting", "Connected", "Disconnected", "Connecting", "Connected"), events.names());
        assertNotSame(published.get(), state.current().orElseThrow());
    }

    @Test
    void aNoticeWhileTheConnectionIsStillOpenChangesNothing(QpidBroker broker) {
        connect(broker);
        Optional<Connection> published = state.current();

        reconnector.noticedClosed(published); // e.g. notifyListeners() on an open connection

        assertSame(published, state.current());
        assertEquals(0, scheduler.queued());
    }

    @Test
    void aNoticeAboutAnotherInstanceThanTheLatestOnlyWithdrawsThatInstance(QpidBroker broker) {
        connect(broker);
        Optional<Connection> published = state.current();

        reconnector.noticedClosed(Optional.of(published.get())); // equal, but not the published instance

        assertSame(published, state.current(), "the published connection stays");
        assertEquals(0, scheduler.queued(), "no recovery started");
        assertEquals(List.of("Connecting", "Connected"), events.names());
    }
}
