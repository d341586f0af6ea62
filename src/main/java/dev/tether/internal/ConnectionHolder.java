package dev.tether.internal;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.AddressResolver;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ListAddressResolver;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.ConnectionClosedException;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionListener;
import dev.tether.ConnectionSettings;
import dev.tether.ConnectionState;
import dev.tether.ConnectionStatus;
import dev.tether.FailureKind;
import dev.tether.NotConnectedException;
import dev.tether.PersistentConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * The {@link PersistentConnection} state machine. Every transition runs as a task on its
 * {@link Scheduler} (one task at a time); callers only read volatile snapshots, register waiters,
 * or submit tasks. Fields below "confined" are touched only by scheduler tasks.
 */
public final class ConnectionHolder implements PersistentConnection {

    private final String name;
    private final AddressResolver resolver;
    private final EventDispatcher events;
    private final InstantSource clock;
    private final Scheduler scheduler;
    private final ReconnectPolicy policy;
    private final ConnectionOpener opener;
    private final OutageLog log;
    private final Waiters waiters = new Waiters();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closeFinished = new CompletableFuture<>();
    private final Object lock = new Object();

    private volatile ConnectionSettings settings;
    private volatile Optional<Connection> current = Optional.empty();
    private volatile ConnectionStatus status;

    // confined to the scheduler
    private Connection live;
    private Address liveAddress;
    private Scheduler.Task pendingAttempt;
    private int attempt;
    private int failures;
    private Instant downSince;

    ConnectionHolder(ConnectionSettings settings, AddressResolver resolver, List<ConnectionListener> listeners,
            InstantSource clock, Scheduler scheduler, RandomGenerator random) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.name = settings.name();
        this.resolver = resolver;
        this.events = new EventDispatcher(listeners);
        this.clock = clock;
        this.scheduler = scheduler;
        this.policy = new ReconnectPolicy(random);
        this.opener = new ConnectionOpener(random);
        this.log = new OutageLog(name);
        this.downSince = clock.instant();
        this.status = new ConnectionStatus(ConnectionState.CONNECTING, downSince, null, 0, null, null);
    }

    /**
     * Creates a holder on its own {@code tether-<name>} thread and the system clock; starts it when eager.
     *
     * @return the holder
     */
    public static ConnectionHolder create(ConnectionSettings settings, AddressResolver resolver,
            List<ConnectionListener> listeners) {
        ConnectionHolder holder = new ConnectionHolder(settings, resolver, listeners, Clock.systemUTC(),
                new ExecutorScheduler("tether-" + settings.name()), RandomGenerator.getDefault());
        if (settings.eager()) {
            holder.start();
        }
        return holder;
    }

    /** Starts the first attempt, unless started or closed already. */
    public void start() {
        if (!closed.get() && started.compareAndSet(false, true)) {
            submit(this::attempt);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ConnectionState state() {
        return status.state();
    }

    @Override
    public ConnectionStatus status() {
        return status;
    }

    @Override
    public Optional<Connection> current() {
        startIfLazy();
        Optional<Connection> connection = current;
        return connection.isPresent() && connection.get().isOpen() ? connection : Optional.empty();
    }

    @Override
    public Connection get() throws NotConnectedException {
        Connection connection = openOrNull();
        if (connection != null) {
            return connection;
        }
        if (closed.get()) {
            throw new ConnectionClosedException(name);
        }
        startIfLazy();
        throw new NotConnectedException(name, status.lastFailure());
    }

    @Override
    public Connection await() throws InterruptedException, ConnectionClosedException {
        Connection connection = openOrNull();
        return connection != null ? connection : new Wait(this).forever();
    }

    @Override
    public Connection await(Duration timeout) throws InterruptedException, java.util.concurrent.TimeoutException,
            ConnectionClosedException {
        Objects.requireNonNull(timeout, "timeout");
        Connection connection = openOrNull();
        return connection != null ? connection : new Wait(this).atMost(timeout);
    }

    @Override
    public CompletionStage<Connection> connected() {
        Connection connection = openOrNull();
        return connection != null ? CompletableFuture.completedFuture(connection) : register();
    }

    @Override
    public CompletionStage<Void> close() {
        if (closed.compareAndSet(false, true)) {
            synchronized (lock) {
                status = new ConnectionStatus(ConnectionState.CLOSED, clock.instant(), null, 0, status.lastFailure(),
                        null);
            }
            current = Optional.empty();
            waiters.failAll(() -> new ConnectionClosedException(name));
            if (!submit(this::finishClose)) {
                closeFinished.complete(null);
            }
        }
        return closeFinished.minimalCompletionStage();
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public CompletionStage<Void> closeFinished() {
        return closeFinished.minimalCompletionStage();
    }

    @Override
    public ConnectionSettings settings() {
        return settings;
    }

    @Override
    public void update(ConnectionSettings next) {
        Objects.requireNonNull(next, "settings");
        update(previous -> next);
    }

    @Override
    public void update(UnaryOperator<ConnectionSettings> change) {
        synchronized (lock) {
            ConnectionSettings next = Objects.requireNonNull(change.apply(settings), "settings");
            if (!next.name().equals(name)) {
                throw Check.invalid("name", "cannot change from '" + name + "' to '" + next.name() + "'");
            }
            settings = next;
        }
    }

    @Override
    public void reconnect() {
        if (!started.get()) {
            start();
            return;
        }
        submit(() -> {
            if (closed.get()) {
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

    /** @return how many callers wait for a connection now (for tests) */
    int waiterCount() {
        return waiters.size();
    }

    CompletableFuture<Connection> register() {
        startIfLazy();
        CompletableFuture<Connection> waiter = waiters.register();
        Connection connection = openOrNull();
        if (connection != null) {
            waiter.complete(connection);
        } else if (closed.get()) {
            waiter.completeExceptionally(new ConnectionClosedException(name));
        }
        return waiter;
    }

    private Connection openOrNull() {
        Optional<Connection> connection = current;
        if (connection.isPresent() && connection.get().isOpen() && !closed.get()) {
            return connection.get();
        }
        return null;
    }

    private void startIfLazy() {
        if (!started.get()) {
            start();
        }
    }

    private void attempt() {
        pendingAttempt = null;
        if (closed.get()) {
            return;
        }
        attempt++;
        ConnectionSettings attemptSettings = settings;
        events.fire(new ConnectionEvent.Connecting(name, clock.instant(), attempt));
        AddressResolver addresses = resolver != null ? resolver : new ListAddressResolver(attemptSettings.addresses());
        ConnectionOpener.Outcome outcome = opener.open(attemptSettings, addresses);
        if (outcome instanceof ConnectionOpener.Opened opened) {
            onOpened(opened.connection(), opened.address());
        } else {
            onFailed((ConnectionOpener.Failed) outcome);
        }
    }

    private void onOpened(Connection connection, Address address) {
        if (closed.get()) {
            closeQuietly(connection);
            return;
        }
        connection.addShutdownListener(cause -> submit(() -> onLost(connection, cause)));
        connection.addBlockedListener(reason -> submit(() -> onBlocked(connection, reason)),
                () -> submit(() -> onBlocked(connection, null)));
        Instant now = clock.instant();
        ConnectionEvent.Connected event =
                new ConnectionEvent.Connected(name, now, connection, address, attempt, Duration.between(downSince, now));
        try {
            events.fireConnected(event);
        } catch (Throwable rejected) {
            abortQuietly(connection);
            onFailed(new ConnectionOpener.Failed(address, rejected, FailureKind.APPLICATION));
            return;
        }
        live = connection;
        liveAddress = address;
        current = Optional.of(connection);
        if (closed.get()) {
            current = Optional.empty();
        }
        log.connected(event, failures);
        attempt = 0;
        failures = 0;
        setStatus(ConnectionState.CONNECTED, now, address, 0, status.lastFailure(), null);
        waiters.release(connection);
    }

    private void onFailed(ConnectionOpener.Failed failed) {
        failures++;
        Duration delay = policy.delayAfter(failures, failed.kind(), settings.backoff());
        ConnectionEvent.ConnectFailed event = new ConnectionEvent.ConnectFailed(name, clock.instant(),
                failed.address(), failed.cause(), failed.kind(), attempt, delay);
        setStatus(ConnectionState.CONNECTING, downSince, null, failures, event, null);
        log.failed(event);
        events.fire(event);
        scheduleAttempt(delay);
    }

    private void onLost(Connection connection, ShutdownSignalException cause) {
        if (connection != live || closed.get()) {
            return;
        }
        disconnected(cause, cause.isInitiatedByApplication());
        scheduleAttempt(Duration.ZERO);
    }

    private void disconnected(Throwable cause, boolean applicationInitiated) {
        Address address = liveAddress;
        live = null;
        liveAddress = null;
        current = Optional.empty();
        downSince = clock.instant();
        attempt = 0;
        failures = 0;
        setStatus(ConnectionState.CONNECTING, downSince, null, 0, status.lastFailure(), null);
        ConnectionEvent.Disconnected event =
                new ConnectionEvent.Disconnected(name, downSince, cause, applicationInitiated);
        log.lost(event, address);
        events.fire(event);
    }

    private void onBlocked(Connection connection, String reason) {
        if (connection != live || closed.get()) {
            return;
        }
        ConnectionStatus now = status;
        setStatus(now.state(), now.since(), now.address(), now.attempts(), now.lastFailure(), reason);
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

    private void setStatus(ConnectionState state, Instant since, Address address, int attempts,
            ConnectionEvent.ConnectFailed lastFailure, String blockedReason) {
        synchronized (lock) {
            if (!closed.get()) {
                status = new ConnectionStatus(state, since, address, attempts, lastFailure, blockedReason);
            }
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

    private void closeQuietly(Connection connection) {
        try {
            connection.close((int) settings.connectionTimeout().toMillis());
        } catch (Exception e) {
            abortQuietly(connection);
        }
    }

    private static void abortQuietly(Connection connection) {
        connection.abort(1000);
    }
}
