package dev.tether.internal.holder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import dev.tether.ConnectionClosedException;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionSettings;
import dev.tether.ConnectionState;
import dev.tether.ConnectionStatus;
import dev.tether.FailureKind;
import dev.tether.internal.values.InvalidSettingException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The state a holder shares with its callers: publication by identity, status, waiters, close. */
class HolderStateTest {

    private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");
    private static final Address ADDRESS = new Address("10.0.0.7", 5672);

    private final HolderState state = new HolderState(ConnectionSettings.builder("orders").build(), CREATED);

    @Test
    void aNewStateIsConnectingSinceItsCreationWithNothingPublished() {
        assertEquals(new ConnectionStatus(ConnectionState.CONNECTING, CREATED, null, 0, null, null), state.status());
        assertEquals("orders", state.name());
        assertTrue(state.current().isEmpty());
        assertFalse(state.isClosed());
        assertEquals(0, state.waiterCount());
    }

    @Test
    void publishingReleasesEveryWaiterWithTheConnection() {
        CompletableFuture<Connection> first = state.register();
        CompletableFuture<Connection> second = state.register();
        assertFalse(first.isDone() || second.isDone(), "nothing published yet");
        assertEquals(2, state.waiterCount());

        Optional<Connection> published = Optional.of(new StubConnection("a").connection());
        state.publish(published);

        assertSame(published, state.current());
        assertSame(published.get(), first.getNow(null));
        assertSame(published.get(), second.getNow(null));
        assertEquals(0, state.waiterCount(), "released waiters remove themselves");
    }

    @Test
    void aConnectionPublishedAfterCloseIsNotShown() {
        CompletableFuture<Connection> waiter = state.register();
        assertTrue(state.close(CREATED.plusSeconds(1)));

        state.publish(Optional.of(new StubConnection("late").connection()));

        assertTrue(state.current().isEmpty(), "close() won the race");
        ExecutionException failure = assertThrows(ExecutionException.class, waiter::get);
        assertInstanceOf(ConnectionClosedException.class, failure.getCause());
    }

    @Test
    void withdrawClearsOnlyThePublishedInstanceAndOnlyOnce() {
        Connection connection = new StubConnection("a").connection();
        Optional<Connection> published = Optional.of(connection);
        state.publish(published);

        assertFalse(state.withdraw(Optional.of(connection)), "identity of the published Optional, not equality");
        assertSame(published, state.current());
        assertTrue(state.withdraw(published));
        assertTrue(state.current().isEmpty());
        assertFalse(state.withdraw(published), "exactly one caller withdraws it");
    }

    @Test
    void aStaleWithdrawNeverRemovesANewerConnection() {
        Optional<Connection> old = Optional.of(new StubConnection("old").connection());
        Optional<Connection> newer = Optional.of(new StubConnection("new").connection());
        state.publish(old);
        state.publish(newer);

        assertFalse(state.withdraw(old));
        assertSame(newer, state.current());
    }

    @Test
    void onlyTheWatchedInstanceIsWatchedAndOnlyItsOwnUnwatchEndsTheWatch() {
        Connection connection = new StubConnection("a").connection();
        Optional<Connection> watched = Optional.of(connection);
        Optional<Connection> other = Optional.of(new StubConnection("b").connection());
        assertFalse(state.isWatched(watched), "nothing is watched at first");

        state.watch(watched);
        assertTrue(state.isWatched(watched));
        assertFalse(state.isWatched(Optional.of(connection)), "identity, not equality");
        assertFalse(state.isWatched(other));

        state.unwatch(other);
        assertTrue(state.isWatched(watched), "a stale unwatch of another connection leaves the watch");
        state.unwatch(watched);
        assertFalse(state.isWatched(watched));
    }

    @Test
    void statusIsReplacedWhileOpenAndCloseMakesItClosedForGoodKeepingTheLastFailure() {
        ConnectionEvent.ConnectFailed failure = new ConnectionEvent.ConnectFailed("orders", CREATED, ADDRESS,
                new IOException("reset"), FailureKind.HANDSHAKE_FAILED, 2, Duration.ofMillis(200));
        Instant later = CREATED.plusSeconds(5);
        state.status(ConnectionState.CONNECTED, later, ADDRESS, 3, failure, "low on memory");
        assertEquals(new ConnectionStatus(ConnectionState.CONNECTED, later, ADDRESS, 3, failure, "low on memory"),
                state.status());

        Instant closedAt = CREATED.plusSeconds(9);
        assertTrue(state.close(closedAt));
        assertEquals(new ConnectionStatus(ConnectionState.CLOSED, closedAt, null, 0, failure, null), state.status());
        assertTrue(state.isClosed());

        state.status(ConnectionState.CONNECTING, CREATED.plusSeconds(10), null, 1, null, null);
        assertEquals(ConnectionState.CLOSED, state.status().state(), "CLOSED is final");
        assertEquals(closedAt, state.status().since());
    }

    @Test
    void closeWithdrawsTheConnectionFailsEveryWaiterAndOnlyTheFirstCallCounts() {
        state.publish(Optional.of(new StubConnection("a").closed().connection()));
        CompletableFuture<Connection> first = state.register();
        CompletableFuture<Connection> second = state.register();

        assertTrue(state.close(CREATED.plusSeconds(1)));
        assertFalse(state.close(CREATED.plusSeconds(2)), "closed already");

        assertTrue(state.current().isEmpty());
        for (CompletableFuture<Connection> waiter : java.util.List.of(first, second)) {
            ExecutionException failure = assertThrows(ExecutionException.class, waiter::get);
            ConnectionClosedException closed = assertInstanceOf(ConnectionClosedException.class, failure.getCause());
            assertEquals("orders", closed.connectionName());
        }
        assertEquals(0, state.waiterCount());
        assertEquals(CREATED.plusSeconds(1), state.status().since(), "the second close changed nothing");
    }

    @Test
    void aWaiterRegisteredWhileAnOpenConnectionIsPublishedGetsItAtOnce() {
        Optional<Connection> published = Optional.of(new StubConnection("a").connection());
        state.publish(published);

        CompletableFuture<Connection> waiter = state.register();

        assertSame(published.get(), waiter.getNow(null));
        assertEquals(0, state.waiterCount());
    }

    @Test
    void aWaiterRegisteredWhileTheConnectionIsClosedButStillPublishedKeepsWaiting() {
        state.publish(Optional.of(new StubConnection("dying").closed().connection()));

        CompletableFuture<Connection> waiter = state.register();

        assertFalse(waiter.isDone(), "a closed connection is never handed to a waiter");
        assertEquals(1, state.waiterCount());
        Connection next = new StubConnection("next").connection();
        state.publish(Optional.of(next));
        assertSame(next, waiter.getNow(null));
    }

    @Test
    void aWaiterRegisteredAfterCloseFailsAtOnce() {
        state.close(CREATED);

        CompletableFuture<Connection> waiter = state.register();

        assertTrue(waiter.isCompletedExceptionally());
        ExecutionException failure = assertThrows(ExecutionException.class, waiter::get);
        assertEquals("orders", assertInstanceOf(ConnectionClosedException.class, failure.getCause()).connectionName());
        assertEquals(0, state.waiterCount());
    }

    @Test
    void updateReplacesTheSettingsButNeverTheName() {
        state.update(s -> s.toBuilder().connectionTimeout(Duration.ofSeconds(3)).build());
        assertEquals(Duration.ofSeconds(3), state.settings().connectionTimeout());

        ConnectionSettings before = state.settings();
        InvalidSettingException renamed = assertThrows(InvalidSettingException.class,
                () -> state.update(s -> ConnectionSettings.builder("payments").build()));
        assertTrue(renamed.getMessage().contains("'orders'") && renamed.getMessage().contains("'payments'"),
                renamed.getMessage());
        assertSame(before, state.settings(), "a rejected update changes nothing");

        NullPointerException none = assertThrows(NullPointerException.class, () -> state.update(s -> null));
        assertEquals("settings", none.getMessage());
        assertSame(before, state.settings());
    }
}
