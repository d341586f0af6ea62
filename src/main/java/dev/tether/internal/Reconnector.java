package dev.tether.internal;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.AddressResolver;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ListAddressResolver;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionSettings;
import dev.tether.ConnectionState;
import dev.tether.ConnectionStatus;
import dev.tether.FailureKind;
import java.io.IOException;
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
 * see is published through {@link HolderState}.
 */
final class Reconnector {

    private final HolderState state;
    private final AddressResolver resolver;
    private final EventDispatcher events;
    private final InstantSource clock;
    private final Scheduler scheduler;
    private final ReconnectPolicy policy;
    private final ConnectionOpener opener;
    private final OutageLog log;
    private final String name;
    private final CompletableFuture<Void> closeFinished = new CompletableFuture<>();

    // confined to the scheduler
    private Connection live;
    private Address liveAddress;
    private Scheduler.Task pendingAttempt;
    private int attempt;
    private int failures;
    private Instant downSince;

    Reconnector(HolderState state, AddressResolver resolver, EventDispatcher events, InstantSource clock,
            Scheduler scheduler, RandomGenerator random) {
        this.state = state;
        this.resolver = resolver;
        this.events = events;
        this.clock = clock;
        this.scheduler = scheduler;
        this.policy = new ReconnectPolicy(random);
        this.opener = new ConnectionOpener(random, state::isClosed);
        this.name = state.name();
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
                Connection old = live;
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
        if (!submit(this::finishClose)) {
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
        if (state.withdraw(published)) {
            Connection connection = published.get();
            ShutdownSignalException cause = connection.getCloseReason();
            submit(() -> onLost(connection, cause));
        }
    }

    boolean onHolderThread() {
        return scheduler.onSchedulerThread();
    }

    private void attempt() {
        pendingAttempt = null;
        if (state.isClosed()) {
            return;
        }
        attempt++;
        ConnectionSettings settings = state.settings();
        events.fire(new ConnectionEvent.Connecting(name, clock.instant(), attempt));
        AddressResolver addresses = resolver != null ? resolver : new ListAddressResolver(settings.addresses());
        ConnectionOpener.Outcome outcome = opener.open(settings, addresses);
        if (outcome instanceof ConnectionOpener.Opened opened) {
            onOpened(opened.connection(), opened.address());
        } else {
            onFailed((ConnectionOpener.Failed) outcome);
        }
    }

    private void onOpened(Connection connection, Address address) {
        if (state.isClosed()) {
            closeQuietly(connection);
            return;
        }
        Optional<Connection> published = Optional.of(connection);
        connection.addShutdownListener(cause -> {
            state.withdraw(published); // at once, on the client's thread: get() stops returning it
            submit(() -> onLost(connection, cause));
        });
        connection.addBlockedListener(reason -> submit(() -> onBlocked(connection, reason)),
                () -> submit(() -> onBlocked(connection, null)));
        Instant now = clock.instant();
        ConnectionEvent.Connected event = new ConnectionEvent.Connected(name, now, connection, address, attempt,
                Duration.between(downSince, now));
        try {
            events.fireConnected(event);
        } catch (Throwable rejected) {
            connection.abort(1000);
            onFailed(new ConnectionOpener.Failed(address, rejected, FailureKind.APPLICATION));
            return;
        }
        live = connection;
        liveAddress = address;
        watchForClosure(connection, published);
        log.connected(event, failures);
        attempt = 0;
        failures = 0;
        state.status(ConnectionState.CONNECTED, now, address, 0, state.status().lastFailure(), null);
        if (connection.isOpen()) {
            state.publish(published);
        }
    }

    /**
     * Opens an idle channel whose shutdown listener signals the connection's closure early: the
     * client shuts channels down (and notifies their listeners) synchronously when the connection
     * starts closing, long before it notifies the connection's own listeners. This lets
     * {@code get()} and {@code current()} trust the published connection without calling the
     * client's {@code isOpen()}, which takes a lock. Without the channel, they fall back to it.
     */
    private void watchForClosure(Connection connection, Optional<Connection> published) {
        try {
            Channel sentinel = connection.createChannel();
            if (sentinel == null) {
                return;
            }
            sentinel.addShutdownListener(signal -> {
                if (signal.isHardError()) {
                    noticedClosed(published);
                } else {
                    state.unwatch(published); // only the channel closed: back to isOpen() checks
                }
            });
            state.watch(published);
        } catch (IOException | RuntimeException noChannel) {
            // no early signal for this connection: readers check isOpen() instead
        }
    }

    private void onFailed(ConnectionOpener.Failed failed) {
        if (state.isClosed()) {
            return; // typically the attempt close() aborted: no failure to report, no retry
        }
        failures++;
        Duration delay = policy.delayAfter(failures, failed.kind(), state.settings().backoff());
        ConnectionEvent.ConnectFailed event = new ConnectionEvent.ConnectFailed(name, clock.instant(),
                failed.address(), failed.cause(), failed.kind(), attempt, delay);
        state.status(ConnectionState.CONNECTING, downSince, null, failures, event, null);
        log.failed(event);
        events.fire(event);
        scheduleAttempt(delay);
    }

    private void onLost(Connection connection, ShutdownSignalException cause) {
        if (connection != live || state.isClosed()) {
            return;
        }
        disconnected(cause, cause != null && cause.isInitiatedByApplication());
        scheduleAttempt(Duration.ZERO);
    }

    private void disconnected(Throwable cause, boolean applicationInitiated) {
        Address address = liveAddress;
        state.withdraw(state.current());
        live = null;
        liveAddress = null;
        downSince = clock.instant();
        attempt = 0;
        failures = 0;
        state.status(ConnectionState.CONNECTING, downSince, null, 0, state.status().lastFailure(), null);
        ConnectionEvent.Disconnected event =
                new ConnectionEvent.Disconnected(name, downSince, cause, applicationInitiated);
        log.lost(event, address);
        events.fire(event);
    }

    private void onBlocked(Connection connection, String reason) {
        if (connection != live || state.isClosed()) {
            return;
        }
        ConnectionStatus now = state.status();
        state.status(now.state(), now.since(), now.address(), now.attempts(), now.lastFailure(), reason);
        events.fire(reason == null
                ? new ConnectionEvent.Unblocked(name, clock.instant())
                : new ConnectionEvent.Blocked(name, clock.instant(), reason));
    }

    private void finishClose() {
        if (pendingAttempt != null) {
            pendingAttempt.cancel();
            pendingAttempt = null;
        }
        Connection old = live;
        live = null;
        if (old != null) {
            events.fire(new ConnectionEvent.Disconnected(name, clock.instant(), null, true));
            closeQuietly(old);
        }
        events.fire(new ConnectionEvent.Closed(name, clock.instant()));
        scheduler.shutdown();
        closeFinished.complete(null);
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

    private void closeQuietly(Connection connection) {
        try {
            connection.close((int) state.settings().connectionTimeout().toMillis());
        } catch (Exception e) {
            connection.abort(1000);
        }
    }
}
