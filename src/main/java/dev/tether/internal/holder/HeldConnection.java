package dev.tether.internal.holder;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * One connection a holder opened: its address, its published form, when it was established, and its loss,
 * reported once however many notices arrive (the client's shutdown listener, the
 * closure-signalling channel, a caller that found it closed).
 */
final class HeldConnection {

    final Connection connection;
    final Address address;
    final Optional<Connection> published;
    final Instant since;
    private final HolderState state;
    private final BiConsumer<HeldConnection, ShutdownSignalException> onLoss;
    private final Channel signal;
    private final AtomicBoolean lossReported = new AtomicBoolean();

    private HeldConnection(Connection connection, Address address, Instant since, HolderState state,
            BiConsumer<HeldConnection, ShutdownSignalException> onLoss, Channel signal) {
        this.connection = connection;
        this.address = address;
        this.published = Optional.of(connection);
        this.since = since;
        this.state = state;
        this.onLoss = onLoss;
        this.signal = signal;
    }

    /**
     * Wires a connection just opened: opens its closure-signalling channel (see
     * {@link #openClosureSignal}), then, unless the broker closed it at once (a channel limit of
     * 0), adds the client's shutdown listener (its loss) and blocked listener.
     *
     * @param address the address it is connected to, as reported
     * @param clock when it was established
     * @param onLoss called once, on the noticing thread, with this connection and why it closed
     * @param onBlocked called on the client's thread with this connection and the broker's reason,
     *     or {@code null} when unblocked
     * @return the held connection, not yet trusted unasked (see {@link #watchForClosure}); or
     *     {@code null} when the connection is closed already
     */
    static HeldConnection watch(Connection connection, Address address, InstantSource clock, HolderState state,
            BiConsumer<HeldConnection, ShutdownSignalException> onLoss, BiConsumer<HeldConnection, String> onBlocked) {
        Channel signal = openClosureSignal(connection);
        if (!connection.isOpen()) {
            return null;
        }
        HeldConnection held = new HeldConnection(connection, address, clock.instant(), state, onLoss, signal);
        connection.addShutdownListener(held::lost);
        connection.addBlockedListener(reason -> onBlocked.accept(held, reason), () -> onBlocked.accept(held, null));
        return held;
    }

    /**
     * Its closure was noticed: withdrawn at once, on the noticing thread, so that {@code get()}
     * stops returning it, and reported on the first notice only.
     *
     * @param cause why it closed
     */
    void lost(ShutdownSignalException cause) {
        if (connection.isOpen()) {
            return; // notifyListeners() called on an open connection: nothing was lost
        }
        state.withdraw(published);
        if (lossReported.compareAndSet(false, true)) {
            onLoss.accept(this, cause);
        }
    }

    /** Its closure needs no report: the holder itself dropped or rejected it. */
    void dropped() {
        lossReported.set(true);
    }

    /**
     * Opens the idle channel whose shutdown listener signals the connection's closure early: the
     * client shuts channels down (and notifies their listeners) synchronously when the connection
     * starts closing, long before it notifies the connection's own listeners. This lets
     * {@code get()} and {@code current()} trust the published connection without calling the
     * client's {@code isOpen()}, which takes a lock. Without the channel, they fall back to it.
     * The holder opens it before the {@code Connected} listeners run, so a broker that answers it
     * by closing the connection (a channel limit) fails the attempt.
     *
     * @return the channel, or {@code null} when none could be opened
     */
    private static Channel openClosureSignal(Connection connection) {
        try {
            return connection.createChannel();
        } catch (IOException | RuntimeException noChannel) {
            return null; // no early signal for this connection: readers check isOpen()
        }
    }

    /** Trusts this connection unasked while its closure-signalling channel is open (see {@link #openClosureSignal}). */
    void watchForClosure() {
        if (signal == null) {
            return;
        }
        // Watched before the listener is added: a channel that is already shut down calls the
        // listener at once, so a closure starting at any point here still ends the watch.
        state.watch(published);
        signal.addShutdownListener(cause -> {
            // Readers go back to asking isOpen(): even when the connection closes before it is
            // published, it is never trusted unasked afterwards.
            state.unwatch(published);
            if (cause.isHardError()) {
                lost(connection.getCloseReason());
            }
        });
    }
}
