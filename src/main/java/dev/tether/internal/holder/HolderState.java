package dev.tether.internal.holder;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import dev.tether.ConnectionClosedException;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionSettings;
import dev.tether.ConnectionState;
import dev.tether.ConnectionStatus;
import dev.tether.internal.values.Check;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * What a holder shows to callers, shared between the callers' threads and the holder's state
 * machine: the published connection, the status snapshot, the settings, the closed flag and the
 * waiters. Reads are single volatile loads; the published connection is cleared by identity, so a
 * stale clear never removes a newer connection.
 */
final class HolderState {

    private static final Optional<Connection> NONE = Optional.empty();

    private final String name;
    private final AtomicReference<Optional<Connection>> current = new AtomicReference<>(NONE);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Waiters waiters = new Waiters();
    private final Object lock = new Object();
    private volatile ConnectionSettings settings;
    private volatile ConnectionStatus status;
    /** The published connection whose closure is signalled early (see {@link #watch}), else NONE. */
    private volatile Optional<Connection> watched = NONE;

    HolderState(ConnectionSettings settings, Instant created) {
        this.name = settings.name();
        this.settings = settings;
        this.status = new ConnectionStatus(settings.eager() ? ConnectionState.CONNECTING : ConnectionState.IDLE,
                created, null, 0, null, null);
    }

    /** A lazy holder was asked for its first connection: from IDLE to CONNECTING. */
    void starting(Instant at) {
        synchronized (lock) {
            if (!closed.get() && status.state() == ConnectionState.IDLE) {
                status = new ConnectionStatus(ConnectionState.CONNECTING, at, null, 0, null, null);
            }
        }
    }

    String name() {
        return name;
    }

    /** @return the published connection, or empty; one volatile read, no allocation */
    Optional<Connection> current() {
        return current.get();
    }

    /** Publishes a connection (the holder's thread, after the {@code Connected} listeners). */
    void publish(Optional<Connection> connection) {
        current.set(connection);
        if (closed.get()) {
            current.set(NONE); // close() ran concurrently: it must win
            return;
        }
        waiters.release(connection.orElseThrow());
    }

    /**
     * Withdraws {@code published} if it is still the current one; safe from any thread.
     *
     * @return whether this call withdrew it (exactly one caller does)
     */
    boolean withdraw(Optional<Connection> published) {
        return current.compareAndSet(published, NONE);
    }

    /**
     * Marks {@code published} as watched: its closure is signalled as soon as the client starts
     * shutting it down, so readers may trust it without asking the client (whose {@code isOpen()}
     * takes a lock).
     */
    void watch(Optional<Connection> published) {
        watched = published;
    }

    /** Ends the watch of {@code published}: readers go back to asking {@code isOpen()}. */
    void unwatch(Optional<Connection> published) {
        if (watched == published) {
            watched = NONE;
        }
    }

    /** @return whether {@code published} is watched for closure (identity) */
    boolean isWatched(Optional<Connection> published) {
        return watched == published;
    }

    ConnectionStatus status() {
        return status;
    }

    /**
     * Replaces the status, unless the holder is closed (CLOSED is final). Clears what an attempt
     * waited for; keeps a failed refresh while the state stays {@code CONNECTED}.
     */
    void status(ConnectionState state, Instant since, Address address, int attempts,
            ConnectionEvent.ConnectFailed lastFailure, String blockedReason) {
        synchronized (lock) {
            if (!closed.get()) {
                status = new ConnectionStatus(state, since, address, attempts, lastFailure, blockedReason, null,
                        state == ConnectionState.CONNECTED && status.state() == ConnectionState.CONNECTED
                                ? status.refreshFailure() : null);
            }
        }
    }

    /** What the running attempt waits for now ({@code null}: nothing); any thread. */
    void waitingFor(String what) {
        synchronized (lock) {
            ConnectionStatus now = status;
            if (!closed.get() && now.state() != ConnectionState.CONNECTED) {
                status = new ConnectionStatus(now.state(), now.since(), now.address(), now.attempts(),
                        now.lastFailure(), now.blockedReason(), what, now.refreshFailure());
            }
        }
    }

    /** A refresh of the live connection's credentials failed ({@code failure}) or succeeded ({@code null}). */
    void refreshFailure(ConnectionEvent.CredentialsRefreshFailed failure) {
        synchronized (lock) {
            ConnectionStatus now = status;
            if (!closed.get()) {
                status = new ConnectionStatus(now.state(), now.since(), now.address(), now.attempts(),
                        now.lastFailure(), now.blockedReason(), now.waitingFor(), failure);
            }
        }
    }

    ConnectionSettings settings() {
        return settings;
    }

    void update(UnaryOperator<ConnectionSettings> change) {
        synchronized (lock) {
            ConnectionSettings next = Objects.requireNonNull(change.apply(settings), "settings");
            if (!next.name().equals(name)) {
                throw Check.invalid("name", "cannot change from '" + name + "' to '" + next.name() + "'");
            }
            settings = next;
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    /**
     * Marks the holder closed: status CLOSED, no connection, every waiter failed.
     *
     * @return {@code false} if it was closed already
     */
    boolean close(Instant at) {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        synchronized (lock) {
            status = new ConnectionStatus(ConnectionState.CLOSED, at, null, 0, status.lastFailure(), null);
        }
        current.set(NONE);
        waiters.failAll(() -> new ConnectionClosedException(name));
        return true;
    }

    /** @return a registered waiter, already completed if a connection is published or the holder closed */
    CompletableFuture<Connection> register() {
        CompletableFuture<Connection> waiter = waiters.register();
        Optional<Connection> connection = current.get();
        if (connection.isPresent() && connection.get().isOpen()) {
            waiter.complete(connection.get());
        } else if (closed.get()) {
            waiter.completeExceptionally(new ConnectionClosedException(name));
        }
        return waiter;
    }

    int waiterCount() {
        return waiters.size();
    }
}
