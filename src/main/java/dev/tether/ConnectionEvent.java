package dev.tether;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One step in the life of a {@link PersistentConnection}. Events are immutable records; each
 * carries the connection's name and the instant it happened.
 *
 * <p>A {@link ConnectionListener} receives them all; switch on the record type:
 *
 * <pre>{@code
 * switch (event) {
 *     case ConnectionEvent.Connected c -> declareTopology(c.connection());
 *     case ConnectionEvent.ConnectFailed f -> metrics.failure(f.kind());
 *     default -> { }
 * }
 * }</pre>
 *
 * No event's {@code toString()} contains a credential.
 */
public sealed interface ConnectionEvent {

    /** @return the name of the connection this event belongs to */
    String connectionName();

    /** @return when it happened */
    Instant at();

    /**
     * An attempt to connect starts.
     *
     * @param connectionName the connection's name
     * @param at when the attempt started
     * @param attempt the attempt's number in the current outage, from 1
     */
    record Connecting(String connectionName, Instant at, int attempt) implements ConnectionEvent {
        public Connecting {
            Objects.requireNonNull(connectionName, "connectionName");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * An attempt failed; another follows after {@code nextDelay}.
     *
     * @param connectionName the connection's name
     * @param at when the attempt failed
     * @param address the address of the most telling failure (a misconfiguration beats a transient
     *     failure, a refusal counts only when all refused), or {@code null} when no address was tried
     * @param cause what went wrong; for {@link FailureKind#DEPRECATED_FEATURE}, an {@code IOException}
     *     naming the feature and what to do instead, whose cause is what the attempt or listener threw
     * @param kind the classification of {@code cause}
     * @param attempt the attempt's number in the current outage, from 1
     * @param nextDelay the delay before the next attempt
     * @param each every address's failure in this attempt, in the order tried (each IP address of a
     *     host name that resolves to several); empty when no address was tried
     */
    record ConnectFailed(String connectionName, Instant at, Address address, Throwable cause, FailureKind kind,
            int attempt, Duration nextDelay, List<AddressFailure> each) implements ConnectionEvent {
        public ConnectFailed {
            Objects.requireNonNull(connectionName, "connectionName");
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(cause, "cause");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(nextDelay, "nextDelay");
            each = List.copyOf(Objects.requireNonNull(each, "each"));
        }

        /** A failure with no per-address detail (none tried, or one). */
        public ConnectFailed(String connectionName, Instant at, Address address, Throwable cause, FailureKind kind,
                int attempt, Duration nextDelay) {
            this(connectionName, at, address, cause, kind, attempt, nextDelay, List.of());
        }

        /**
         * A one-line description: kind, address, attempt and the cause's message.
         *
         * @return for example {@code REFUSED at 10.0.0.7:5672 (attempt 3): Connection refused}
         */
        public String describe() {
            String where = address == null ? "" : " at " + address;
            return kind + where + " (attempt " + attempt + "): " + message(cause);
        }

        /** The first message in the cause chain, or the exception's simple name. */
        private static String message(Throwable cause) {
            Throwable t = cause;
            for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
                if (t.getMessage() != null && !t.getMessage().isBlank()) {
                    return t.getMessage();
                }
            }
            return cause.getClass().getSimpleName();
        }

        @Override
        public String toString() {
            return "ConnectFailed[" + connectionName + ", " + describe() + ", next attempt in " + nextDelay.toMillis()
                    + " ms, at=" + at + "]";
        }
    }

    /**
     * A connection was established. Synchronous listeners of this event run before any caller of
     * {@link PersistentConnection#get()} or {@link PersistentConnection#await()} can see the
     * connection: this is where an application declares its topology and starts its consumers,
     * on the first connection and on every later one.
     *
     * @param connectionName the connection's name
     * @param at when the connection was established
     * @param connection the new connection
     * @param address the address it is connected to
     * @param attempt the number of attempts it took in this outage, from 1
     * @param downtime how long there was no connection (since the holder started, for the first one)
     */
    record Connected(String connectionName, Instant at, Connection connection, Address address, int attempt,
            Duration downtime) implements ConnectionEvent {
        public Connected {
            Objects.requireNonNull(connectionName, "connectionName");
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(connection, "connection");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(downtime, "downtime");
        }

        @Override
        public String toString() {
            return "Connected[" + connectionName + " to " + address + ", attempt=" + attempt + ", downtime="
                    + downtime.toMillis() + " ms, at=" + at + "]";
        }
    }

    /**
     * A connection that was established is gone. Unless the holder is closed, a new attempt starts
     * at once.
     *
     * @param connectionName the connection's name
     * @param at when the loss was noticed
     * @param cause why it ended, or {@code null} when the application asked for it ({@code reconnect()}, {@code close()})
     * @param applicationInitiated whether the application ended it
     */
    record Disconnected(String connectionName, Instant at, Throwable cause, boolean applicationInitiated)
            implements ConnectionEvent {
        public Disconnected {
            Objects.requireNonNull(connectionName, "connectionName");
            Objects.requireNonNull(at, "at");
        }

        @Override
        public String toString() {
            String why = cause == null ? "requested" : String.valueOf(cause.getMessage());
            return "Disconnected[" + connectionName + ", applicationInitiated=" + applicationInitiated + ", cause="
                    + why + ", at=" + at + "]";
        }
    }

    /**
     * The broker blocked the connection's publishers (a memory or disk alarm).
     *
     * @param connectionName the connection's name
     * @param at when the broker said so
     * @param reason the broker's reason
     */
    record Blocked(String connectionName, Instant at, String reason) implements ConnectionEvent {
        public Blocked {
            Objects.requireNonNull(connectionName, "connectionName");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * The broker unblocked the connection.
     *
     * @param connectionName the connection's name
     * @param at when the broker said so
     */
    record Unblocked(String connectionName, Instant at) implements ConnectionEvent {
        public Unblocked {
            Objects.requireNonNull(connectionName, "connectionName");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * Expiring credentials (an OAuth 2 token) could not be refreshed on the live connection: the
     * provider's {@code refresh()} threw, e.g. the identity provider is down. The connection keeps
     * its current token until it expires; from then on the broker refuses its operations (RabbitMQ
     * 3.10: {@code 403 ACCESS_REFUSED}). Readiness data shows it until a refresh succeeds; the next
     * attempt to connect fetches a fresh token first.
     *
     * <pre>{@code
     * void on(@Observes @Persistent("orders") ConnectionEvent.CredentialsRefreshFailed failed) { ... }
     * }</pre>
     *
     * @param connectionName the connection's name
     * @param at when the refresh failed
     * @param cause what the provider threw (its message is the provider's: Tether shows only its class)
     */
    record CredentialsRefreshFailed(String connectionName, Instant at, Throwable cause) implements ConnectionEvent {
        public CredentialsRefreshFailed {
            Objects.requireNonNull(connectionName, "connectionName");
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(cause, "cause");
        }

        @Override
        public String toString() {
            return "CredentialsRefreshFailed[" + connectionName + ", " + cause.getClass().getName() + ", at=" + at + "]";
        }
    }

    /**
     * The holder was closed: the last event it fires.
     *
     * @param connectionName the connection's name
     * @param at when closing finished
     */
    record Closed(String connectionName, Instant at) implements ConnectionEvent {
        public Closed {
            Objects.requireNonNull(connectionName, "connectionName");
            Objects.requireNonNull(at, "at");
        }
    }
}
