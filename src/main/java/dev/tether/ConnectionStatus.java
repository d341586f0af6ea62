package dev.tether;

import com.rabbitmq.client.Address;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of a {@link PersistentConnection}, kept up to date by the holder and read without I/O
 * (what a readiness check reports). Holds no credential.
 *
 * @param state the state
 * @param since when the holder entered {@code state}
 * @param address the address connected to, or {@code null} when not connected
 * @param attempts failed attempts in the current outage (0 when connected)
 * @param lastFailure the most recent failed attempt, or {@code null} if none ever failed
 * @param blockedReason the broker's reason while it blocks the connection, else {@code null}
 * @param waitingFor while an attempt runs, what it waits for, in Tether's words (for example
 *     {@code the credentials provider com.example.Vault}, {@code the DNS lookup of rabbit-0},
 *     {@code the broker at 10.0.0.7:5672}); else {@code null}
 * @param refreshFailure the last failed refresh of expiring credentials on the live connection,
 *     until a refresh succeeds or the connection is replaced; else {@code null}
 */
public record ConnectionStatus(ConnectionState state, Instant since, Address address, int attempts,
        ConnectionEvent.ConnectFailed lastFailure, String blockedReason, String waitingFor,
        ConnectionEvent.CredentialsRefreshFailed refreshFailure) {

    /** Validates that {@code state} and {@code since} are present. */
    public ConnectionStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(since, "since");
    }

    /** A status with no attempt waiting and no failed refresh. */
    public ConnectionStatus(ConnectionState state, Instant since, Address address, int attempts,
            ConnectionEvent.ConnectFailed lastFailure, String blockedReason) {
        this(state, since, address, attempts, lastFailure, blockedReason, null, null);
    }

    /** @return the address connected to, while connected */
    public Optional<Address> connectedAddress() {
        return Optional.ofNullable(address);
    }

    /** @return the most recent failed attempt, if any */
    public Optional<ConnectionEvent.ConnectFailed> lastFailed() {
        return Optional.ofNullable(lastFailure);
    }

    /** @return whether the broker blocks the connection's publishers */
    public boolean blocked() {
        return blockedReason != null;
    }
}
