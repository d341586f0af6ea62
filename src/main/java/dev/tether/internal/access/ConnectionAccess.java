package dev.tether.internal.access;

import com.rabbitmq.client.Connection;
import dev.tether.ConnectionClosedException;
import dev.tether.ConnectionStatus;
import dev.tether.NotConnectedException;
import dev.tether.internal.values.Durations;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * The narrow port through which the channel pools, the publisher and the injected connection proxy
 * reach a holder's connection: its name, the connection now, a bounded wait for the next one, and
 * the one rule for "wait up to {@code await-timeout}, else fail naming the last failure". They see
 * nothing else of the holder (no settings to change, no close, no state machine).
 *
 * <p>Implemented by the holder ({@code internal.holder.ConnectionHolder}); every method is
 * thread-safe and may be called from any thread but the holder's own, where only {@link #current()}
 * and {@link #name()} are meant to be used.
 */
public interface ConnectionAccess {

    /** @return the connection's name, for messages */
    String name();

    /** @return the holder's status, for the last failure a {@link NotConnectedException} names */
    ConnectionStatus status();

    /** @return the usable connection now, without waiting */
    Optional<Connection> current();

    /**
     * On the holder's thread while {@code Connected} listeners run, the connection they are being
     * delivered: not yet {@link #current()}, but the one a borrow there uses.
     *
     * @return that connection, or empty (on any other thread, or at any other time)
     */
    default Optional<Connection> delivering() {
        return Optional.empty();
    }

    /** @return whether the caller runs on the holder's own thread (a Tether listener), where nothing may wait for the holder */
    default boolean onHoldersThread() {
        return false;
    }

    /** @return {@link #current()}, else the connection being {@link #delivering() delivered}; never waits */
    default Optional<Connection> currentOrDelivering() {
        Optional<Connection> now = current();
        return now.isPresent() ? now : delivering();
    }

    /**
     * @param timeout how long to wait
     * @return the next usable connection
     * @throws TimeoutException if none came within {@code timeout}
     * @throws ConnectionClosedException if the holder is or becomes closed
     * @throws InterruptedException if interrupted while waiting
     */
    Connection await(Duration timeout) throws InterruptedException, TimeoutException, ConnectionClosedException;

    /** @return how long a caller waits for a connection ({@code await-timeout}, changeable at run time) */
    Duration awaitTimeout();

    /** @return the {@link System#nanoTime()} until which a caller starting now waits for a connection */
    default long deadline() {
        return System.nanoTime() + awaitTimeout().toNanos();
    }

    /**
     * The connection now, unless it is {@code dead}; else waits for the next one until {@code deadline}.
     *
     * @param deadline a {@link System#nanoTime()} from {@link #deadline()}
     * @param dead a connection known to be closed, not to be returned again, or {@code null}
     * @return an open connection
     * @throws NotConnectedException naming the last failure, when none came in time
     * @throws ConnectionClosedException if the holder is closed
     * @throws InterruptedIOException if interrupted while waiting (the interrupt flag is set again)
     */
    default Connection awaitOrFail(long deadline, Connection dead) throws IOException {
        Connection now = current().orElse(null);
        if (now != null && now != dead) {
            return now;
        }
        try {
            return await(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        } catch (TimeoutException e) {
            throw new NotConnectedException(name(), status().lastFailure(),
                    "is not connected (waited " + Durations.format(awaitTimeout()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting for connection '" + name() + "'");
        }
    }
}
