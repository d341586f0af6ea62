package dev.tether.internal.holder;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MetricsCollector;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionSettings;
import dev.tether.ConnectionState;
import dev.tether.ConnectionStatus;
import dev.tether.FailureKind;
import dev.tether.internal.connect.AttemptObserver;
import dev.tether.internal.connect.AttemptOutcome;
import dev.tether.internal.connect.ConnectionOpener;
import dev.tether.internal.connect.FailureClassifier;
import dev.tether.internal.connect.Sources;
import dev.tether.internal.threads.Scheduler;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.random.RandomGenerator;

/**
 * The holder's state machine: attempts, back-off, loss detection, close. Every method runs as a
 * task on the {@link Scheduler}, one at a time, so the fields below need no locking; what callers
 * see is published through {@link HolderState}. No task can end the loop: one that throws is
 * logged at ERROR and the holder carries on (see {@link #survive}).
 */
final class Reconnector {

    private static final System.Logger LOG = System.getLogger(Reconnector.class.getName());

    private final HolderState state;
    private final EventDispatcher events;
    private final InstantSource clock;
    private final Scheduler scheduler;
    private final ReconnectPolicy policy;
    private final ConnectionOpener opener;
    private final OutageLog log;
    private final String name;
    private final CompletableFuture<Void> closeFinished = new CompletableFuture<>();

    // confined to the scheduler
    private HeldConnection live;
    private Scheduler.Task pendingAttempt;
    private int attempt;
    private int failures;
    private Instant downSince;
    /** The connection whose {@code Connected} listeners are running, else empty. */
    private Optional<Connection> delivering = Optional.empty();
    /** The connection most recently opened, for callers that notice its closure first (any thread). */
    private volatile HeldConnection latest;

    /** {@code sources} and {@code collector} (the client's, or {@code null}): see {@link ConnectionOpener}. */
    Reconnector(HolderState state, Sources sources, EventDispatcher events, InstantSource clock,
            Scheduler scheduler, RandomGenerator random, MetricsCollector collector) {
        this.state = state;
        this.events = events;
        this.clock = clock;
        this.scheduler = new GuardedScheduler(scheduler, this::survive);
        this.policy = new ReconnectPolicy(random);
        this.name = state.name();
        this.opener = new ConnectionOpener(name, sources, collector, random, state::isClosed,
                new AttemptObserver() {
                    @Override
                    public void waitingFor(String what) {
                        state.waitingFor(what);
                    }

                    @Override
                    public void credentialsRefreshed(Throwable failure) {
                        submit(() -> onCredentialsRefreshed(failure));
                    }
                });
        this.log = new OutageLog(name);
        this.downSince = clock.instant();
    }

    /** Starts the first attempt. */
    void start() {
        submit(this::attempt);
    }

    /** Drops the live connection and connects again now, or runs the pending attempt now. */
    void reconnectNow() {
        submit(() -> {
            if (state.isClosed()) {
                return;
            }
            if (live != null) {
                live.dropped(); // dropped here: its closing notice needs no task
                Connection old = live.connection;
                disconnected(null, true);
                closeQuietly(old);
                scheduleAttempt(Duration.ZERO);
            } else if (pendingAttempt != null) {
                pendingAttempt.cancel();
                attempt();
            }
        });
    }

    /** Finishes closing on the holder's thread: no more attempts, the live connection closed, {@code Closed} fired. */
    CompletableFuture<Void> close() {
        opener.abortInFlight(); // a hanging handshake must not hold up the close for connection-timeout
        if (!submit(this::finishClose)) { // the scheduler is gone: nothing will run finishClose
            opener.close();
            closeFinished.complete(null);
        }
        return closeFinished;
    }

    CompletableFuture<Void> closeFinished() {
        return closeFinished;
    }

    /**
     * A caller found the published connection closed before the client told its shutdown listeners
     * (the client marks a connection closed first, and calls them only when its I/O loop ends: up
     * to its shutdown timeout after a broker-initiated close). The first caller to notice withdraws
     * it and starts the recovery at once; the client's own notification later finds it handled.
     */
    void noticedClosed(Optional<Connection> published) {
        HeldConnection held = latest;
        if (held != null && held.published == published) {
            held.lost(held.connection.getCloseReason());
        } else {
            state.withdraw(published);
        }
    }

    boolean onHolderThread() {
        return scheduler.onSchedulerThread();
    }

    /** @return on the holder's thread, the connection whose {@code Connected} listeners are running; else empty */
    Optional<Connection> delivering() {
        return onHolderThread() ? delivering : Optional.empty();
    }

    private void attempt() {
        pendingAttempt = null;
        if (state.isClosed()) {
            return;
        }
        attempt++;
        ConnectionSettings settings = state.settings();
        events.fire(new ConnectionEvent.Connecting(name, clock.instant(), attempt));
        AttemptOutcome outcome = opener.open(settings);
        if (outcome instanceof AttemptOutcome.Opened opened) {
            onOpened(opened.connection(), opened.address());
        } else {
            onFailed((AttemptOutcome.Failed) outcome);
        }
    }

    private void onOpened(Connection connection, Address address) {
        if (state.isClosed()) {
            closeQuietly(connection);
            return;
        }
        HeldConnection held = HeldConnection.watch(connection, address, clock, state,
                (lost, cause) -> submit(() -> onLost(lost, cause)),
                (blocked, reason) -> submit(() -> onBlocked(blocked, reason)));
        if (held == null) { // the broker closed it at once, e.g. a channel limit of 0
            onFailed(new AttemptOutcome.Failed(address, connection.getCloseReason()));
            return;
        }
        latest = held;
        Instant now = clock.instant();
        ConnectionEvent.Connected event = new ConnectionEvent.Connected(name, now, connection, address, attempt,
                Duration.between(downSince, now));
        try {
            delivering = held.published;
            events.fireConnected(event);
        } catch (Throwable rejected) {
            delivering = Optional.empty();
            held.dropped(); // rejected, not lost: no onLost for it
            connection.abort(1000);
            // Listeners that counted the Connected see it undone before the failure is reported.
            events.fire(new ConnectionEvent.Disconnected(name, clock.instant(), rejected, true));
            onFailed(new AttemptOutcome.Failed(address, rejected, FailureClassifier.ofListener(rejected)));
            return;
        }
        delivering = Optional.empty();
        live = held;
        held.watchForClosure();
        log.connected(event, failures);
        attempt = 0;
        failures = 0;
        state.status(ConnectionState.CONNECTED, now, address, 0, state.status().lastFailure(), null);
        if (connection.isOpen()) {
            state.publish(held.published);
        }
    }

    private void onFailed(AttemptOutcome.Failed failed) {
        if (state.isClosed()) {
            return; // typically the attempt close() aborted: no failure to report, no retry
        }
        failures++;
        Duration delay = policy.delayAfter(failures, failed.kind(), state.settings().backoff());
        ConnectionEvent.ConnectFailed event = new ConnectionEvent.ConnectFailed(name, clock.instant(),
                failed.address(), failed.cause(), failed.kind(), attempt, delay, failed.each());
        state.status(ConnectionState.CONNECTING, downSince, null, failures, event, null);
        log.failed(event);
        events.fire(event);
        scheduleAttempt(delay);
    }

    private void onLost(HeldConnection held, ShutdownSignalException cause) {
        if (held != live || state.isClosed()) {
            return;
        }
        disconnected(cause, cause != null && cause.isInitiatedByApplication());
        scheduleAttempt(Duration.ZERO);
    }

    private void disconnected(Throwable cause, boolean applicationInitiated) {
        Address address = live.address;
        state.withdraw(state.current());
        live = null;
        downSince = clock.instant();
        attempt = 0;
        failures = 0;
        state.status(ConnectionState.CONNECTING, downSince, null, 0, state.status().lastFailure(), null);
        ConnectionEvent.Disconnected event =
                new ConnectionEvent.Disconnected(name, downSince, cause, applicationInitiated);
        log.lost(event, address);
        events.fire(event);
    }

    private void onBlocked(HeldConnection held, String reason) {
        if (held != live || state.isClosed()) {
            return;
        }
        ConnectionStatus now = state.status();
        state.status(now.state(), now.since(), now.address(), now.attempts(), now.lastFailure(), reason);
        events.fire(reason == null
                ? new ConnectionEvent.Unblocked(name, clock.instant())
                : new ConnectionEvent.Blocked(name, clock.instant(), reason));
    }

    /** A refresh of the live connection's expiring credentials ended: reported when it failed, cleared when not. */
    private void onCredentialsRefreshed(Throwable failure) {
        if (state.isClosed()) {
            return;
        }
        if (failure == null) {
            if (state.status().refreshFailure() != null) {
                LOG.log(Level.INFO, "Connection '" + name + "': credentials refreshed on the live connection again");
                state.refreshFailure(null);
            }
            return;
        }
        ConnectionEvent.CredentialsRefreshFailed event =
                new ConnectionEvent.CredentialsRefreshFailed(name, clock.instant(), failure);
        LOG.log(Level.WARNING, "Connection '" + name + "': the credentials of the live connection could not be"
                + " refreshed (" + failure.getClass().getName() + "); the broker may refuse its operations once"
                + " they expire, and the next attempt to connect fetches fresh ones");
        state.refreshFailure(event);
        events.fire(event);
    }

    private void finishClose() {
        try {
            if (pendingAttempt != null) {
                pendingAttempt.cancel();
                pendingAttempt = null;
            }
            HeldConnection old = live;
            live = null;
            if (old != null) {
                old.dropped();
                events.fire(new ConnectionEvent.Disconnected(name, clock.instant(), null, true));
                closeQuietly(old.connection);
            }
            events.fire(new ConnectionEvent.Closed(name, clock.instant()));
        } finally {
            opener.close();
            scheduler.shutdown();
            closeFinished.complete(null);
        }
    }

    private void scheduleAttempt(Duration delay) {
        try {
            pendingAttempt = scheduler.schedule(this::attempt, delay);
        } catch (RejectedExecutionException closing) {
            pendingAttempt = null;
        }
    }

    private boolean submit(Runnable task) {
        try {
            scheduler.execute(task);
            return true;
        } catch (RejectedExecutionException closing) {
            return false;
        }
    }

    /**
     * Keeps the holder alive after a task threw: logged at ERROR, and when that left it with no
     * connection and no attempt to come, the failure is reported like a failed attempt and the next
     * attempt scheduled after the backoff.
     */
    private void survive(Throwable unexpected) {
        LOG.log(Level.ERROR, "Connection '" + name + "': unexpected failure on the holder's thread;"
                + " the holder carries on", unexpected);
        if (state.isClosed() || live != null || pendingAttempt != null) {
            return;
        }
        try {
            onFailed(new AttemptOutcome.Failed(null, unexpected, FailureKind.UNKNOWN));
        } catch (Throwable again) {
            LOG.log(Level.ERROR, "Connection '" + name + "': reporting the failure failed too;"
                    + " the next attempt waits backoff.max", again);
            if (pendingAttempt == null) {
                scheduleAttempt(state.settings().backoff().max());
            }
        }
    }

    private void closeQuietly(Connection connection) {
        try {
            connection.close((int) state.settings().connectionTimeout().toMillis());
        } catch (Exception e) {
            connection.abort(1000);
        }
    }
}
