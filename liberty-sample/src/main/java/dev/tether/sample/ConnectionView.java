package dev.tether.sample;

import dev.tether.ConnectionStatus;
import dev.tether.PersistentConnection;
import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * One connection's status as JSON; {@code address} and {@code lastFailure} are {@code null} when
 * not connected and when no attempt ever failed.
 *
 * @param name the connection's name
 * @param state {@code CONNECTING}, {@code CONNECTED} or {@code CLOSED}
 * @param address {@code host:port} while connected
 * @param since when it entered {@code state} (ISO-8601)
 * @param attempts failed attempts in the current outage
 * @param lastFailure the most recent failed attempt, described in one line
 * @param blocked whether the broker blocks its publishers
 */
@JsonbNillable
@JsonbPropertyOrder({"name", "state", "address", "since", "attempts", "lastFailure", "blocked"})
public record ConnectionView(String name, String state, String address, String since, int attempts,
        String lastFailure, boolean blocked) {

    static ConnectionView of(PersistentConnection holder) {
        ConnectionStatus status = holder.status();
        return new ConnectionView(holder.name(), status.state().name(),
                status.connectedAddress().map(Object::toString).orElse(null), status.since().toString(),
                status.attempts(), status.lastFailed().map(f -> f.describe()).orElse(null), status.blocked());
    }
}
